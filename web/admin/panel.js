/**
 * What every admin section builds with: labelled fields, a problem shown as its code and
 * detail, comma lists, and a section heading.
 * @module
 */
import { h } from "../shared/dom.js";
import { knownProblem } from "../shared/failure.js";
import { t } from "../shared/i18n.js";

/**
 * A label around its control, the text from `key`.
 * @param {string} key
 * @param {HTMLElement} control
 */
export function field(key, control) {
  return h("label", { class: "field" }, h("span", {}, t(key)), control);
}

/**
 * A text input.
 * @param {string} name
 * @param {Record<string, string | boolean | undefined>} [attributes]
 */
export function textInput(name, attributes = {}) {
  return /** @type {HTMLInputElement} */ (h("input", { name, type: "text", ...attributes }));
}

/**
 * A failed call as the viewer reads it: the server's code and its words.
 * @param {unknown} error
 */
export function failureText(error) {
  const known = knownProblem(error);
  if (known) return known;
  const { code, message } = /** @type {{ code?: string, message?: string }} */ (error ?? {});
  return code ? t("admin.failed", { code, detail: message ?? "" }) : t("error", {
    code: message ?? "unknown",
  });
}

/**
 * `a, b ,c` as `["a", "b", "c"]` (empty parts dropped).
 * @param {string} text
 */
export function commaList(text) {
  return text.split(",").map((part) => part.trim()).filter(Boolean);
}

/**
 * The section's heading (its id names the section for `aria-labelledby`).
 * @param {string} name
 */
export function heading(name) {
  return h("h2", { id: `${name}-title` }, t(`admin.tab.${name}`));
}

/**
 * A form that calls `onSubmit` and shows what failed in its own alert line.
 * @param {string} label the form's accessible name (a key)
 * @param {(form: HTMLFormElement) => Promise<void>} onSubmit
 * @param {(HTMLElement | string)[]} children
 */
export function form(label, onSubmit, ...children) {
  const problem = h("p", { class: "error", role: "alert" });
  const element = /** @type {HTMLFormElement} */ (
    h("form", { class: "admin-form", "aria-label": t(label) }, ...children, problem)
  );
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.textContent = "";
    await onSubmit(element).catch((error) => (problem.textContent = failureText(error)));
  });
  return element;
}

/**
 * The value of the form's control `name`.
 * @param {HTMLFormElement} element
 * @param {string} name
 */
export function valueOf(element, name) {
  const control = element.elements.namedItem(name);
  return /** @type {HTMLInputElement} */ (control).value.trim();
}

/**
 * "More…" under a list while the server said there is a next page (`next`), or nothing; a
 * failed load is shown beside it.
 * @param {string | null} next
 * @param {() => Promise<void>} load
 */
export function moreButton(next, load) {
  const row = h("p", { class: "more-row" });
  if (!next) return row;
  const button = h("button", { type: "button", class: "more" }, t("admin.more"));
  button.addEventListener("click", () => {
    button.toggleAttribute("disabled", true);
    load().catch((error) => {
      button.toggleAttribute("disabled", false);
      row.append(h("span", { class: "error", role: "alert" }, failureText(error)));
    });
  });
  row.append(button);
  return row;
}
