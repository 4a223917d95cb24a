/**
 * Two catalogues (English, Chinese), the language from navigator.languages unless the viewer
 * chose one (remembered in localStorage), and `t(key, values)` for text. Elements with
 * `data-i18n` (text), `data-i18n-label` (aria-label) and `data-i18n-placeholder` are filled by
 * `translatePage`, so a language switch needs no reload.
 * @module
 */
import en from "./messages/en.js";
import zh from "./messages/zh.js";

/** @type {Record<string, Record<string, string>>} */
const CATALOGUES = { en, zh };
const CHOSEN = "ticketd.language";

/**
 * Adds a page's own strings (the portal's) to the catalogues, so pages built later need not
 * share one file; each catalogue of `extra` must have the same keys (tested beside it).
 * @param {Record<string, Record<string, string>>} extra
 */
export function addMessages(extra) {
  for (const [name, entries] of Object.entries(extra)) Object.assign(CATALOGUES[name], entries);
}

/** The languages the console speaks. */
export const LANGUAGES = /** @type {const} */ (["en", "zh"]);

let current = pickLanguage(
  localStorage.getItem(CHOSEN),
  typeof navigator === "undefined" ? [] : navigator.languages,
);

/**
 * The chosen language if valid, else the first of `preferred` we speak, else English.
 * @param {string | null} chosen
 * @param {readonly string[]} preferred
 */
export function pickLanguage(chosen, preferred) {
  if (chosen && chosen in CATALOGUES) return chosen;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (base in CATALOGUES) return base;
  }
  return "en";
}

/** The current language (a BCP 47 tag). */
export function language() {
  return current === "zh" ? "zh-CN" : "en";
}

/**
 * The text of `key` in the current language, `{name}` replaced from `values`.
 * @param {string} key
 * @param {Record<string, string | number>} [values]
 */
export function t(key, values = {}) {
  const text = CATALOGUES[current][key] ?? CATALOGUES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/**
 * Switches and remembers the language, then re-translates the page.
 * @param {string} next
 */
export function setLanguage(next) {
  if (!(next in CATALOGUES)) return;
  current = next;
  localStorage.setItem(CHOSEN, next);
  translatePage(document);
}

/** @param {Document | Element} root */
export function translatePage(root) {
  if (root instanceof Document) root.documentElement.lang = language();
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(/** @type {string} */ (el.getAttribute("data-i18n")));
  }
  for (const el of root.querySelectorAll("[data-i18n-label]")) {
    el.setAttribute("aria-label", t(/** @type {string} */ (el.getAttribute("data-i18n-label"))));
  }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.setAttribute(
      "placeholder",
      t(/** @type {string} */ (el.getAttribute("data-i18n-placeholder"))),
    );
  }
}
