/**
 * The sections as tabs: one panel shown at a time, drawn afresh from the API when shown (and
 * again after a language switch), its button marked `aria-current`.
 * @module
 */
import { byId } from "../shared/dom.js";
import { failureText } from "./panel.js";

/** @typedef {{ show(): Promise<void> }} Panel */

/**
 * @param {HTMLElement} nav buttons with `data-tab` naming a panel
 * @param {Record<string, Panel>} panels
 */
export function tabs(nav, panels) {
  let current = Object.keys(panels)[0];
  const show = async (/** @type {string} */ name) => {
    current = name;
    for (const button of nav.querySelectorAll("button")) {
      const on = button.dataset.tab === name;
      button.setAttribute("aria-current", String(on));
    }
    for (const other of Object.keys(panels)) byId(`tab-${other}`).hidden = other !== name;
    byId("error").textContent = "";
    // Busy while the panel redraws: what is typed into the old drawing would be lost.
    const panel = byId(`tab-${name}`);
    panel.setAttribute("aria-busy", "true");
    await panels[name].show().catch((error) => {
      byId("error").textContent = failureText(error);
    });
    panel.setAttribute("aria-busy", "false");
  };
  nav.hidden = false;
  nav.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button");
    if (button?.dataset.tab && button.dataset.tab in panels) show(button.dataset.tab);
  });
  show(current);
  return { redraw: () => show(current) };
}
