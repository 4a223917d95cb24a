/**
 * The page's error line: a failed action shows a known problem code in the page's language
 * (problems.js), else the problem's `detail`, else the code; the next action that succeeds, or
 * the next one started, clears it. The line remembers the error, so a language switch
 * translates it again.
 * @module
 */
import { addMessages, t } from "./i18n.js";
import problems from "./problems.js";

addMessages(problems);

/**
 * @param {unknown} error an ApiError (code, message = detail) or any Error
 * @returns {string}
 */
export function problemText(error) {
  const { code, message } = /** @type {{ code?: string, message?: string }} */ (error ?? {});
  return knownProblem(error) ?? t("error", { code: message || code || "unknown" });
}

/**
 * The page-language text of the error's problem code, or null when the catalogue lacks it.
 * @param {unknown} error
 * @returns {string | null}
 */
export function knownProblem(error) {
  const { code, message } = /** @type {{ code?: string, message?: string }} */ (error ?? {});
  // fetch() rejects with a TypeError when the gateway cannot be reached at all.
  const key = `problem.${error instanceof TypeError ? "network" : code ?? message}`;
  const known = t(key);
  return known === key ? null : known;
}

/**
 * The error line `element`: `failed(error)` shows one, `clear()` empties it, `redraw()`
 * translates what is shown.
 * @param {HTMLElement} element
 */
export function errorLine(element) {
  /** @type {unknown} */
  let shown = null;
  const draw = () => element.textContent = shown === null ? "" : problemText(shown);
  // A new action starts with a clean line: what it tells is about itself.
  const started = (/** @type {Event} */ event) => {
    const target = /** @type {Element} */ (event.target);
    if (event.type === "submit" || target.closest?.("button")) {
      shown = null;
      draw();
    }
  };
  document.addEventListener("click", started, true);
  document.addEventListener("submit", started, true);
  return {
    /** @param {unknown} error */
    failed(error) {
      shown = error;
      draw();
    },
    clear() {
      shown = null;
      draw();
    },
    redraw: draw,
  };
}
