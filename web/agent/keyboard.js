/**
 * The keyboard map: j/k move through the list, Enter opens, r replies, / searches, ? shows the
 * help, Escape leaves a field. Keys typed into fields are theirs, except Escape.
 * @module
 */

/**
 * @param {{ move(step: number): void, open(): void, reply(): void, search(): void,
 *   help(): void }} actions
 */
export function bindKeys(actions) {
  document.addEventListener("keydown", (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const typing = target.matches("input, textarea, select");
    if (event.key === "Escape" && typing) {
      target.blur();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const handler = {
      j: () => actions.move(1),
      k: () => actions.move(-1),
      Enter: () => actions.open(),
      r: () => actions.reply(),
      "/": () => actions.search(),
      "?": () => actions.help(),
    }[event.key];
    if (!handler) return;
    if (event.key === "Enter" && target.matches("button, a")) return;
    event.preventDefault();
    handler();
  });
}
