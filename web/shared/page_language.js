/**
 * A page's language: translates it, and wires its `#language` switch (remembered by i18n.js).
 * @module
 */
import { byId } from "./dom.js";
import { LANGUAGES, setLanguage, translatePage } from "./i18n.js";

/** Translates the page and wires `#language`; returns the switch. */
export function pageLanguage() {
  const language = /** @type {HTMLSelectElement} */ (byId("language"));
  translatePage(document);
  language.value = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  language.addEventListener("change", () => {
    if (/** @type {readonly string[]} */ (LANGUAGES).includes(language.value)) {
      setLanguage(language.value);
    }
  });
  return language;
}
