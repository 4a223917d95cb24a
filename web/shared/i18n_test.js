import assert from "node:assert/strict";
import en from "./messages/en.js";
import zh from "./messages/zh.js";
import { pickLanguage } from "./i18n.js";

Deno.test("pickLanguage - a remembered choice wins, then the browser's first spoken language, else English", () => {
  assert.equal(pickLanguage("zh", ["en-US"]), "zh");
  assert.equal(pickLanguage(null, ["fr-FR", "zh-TW", "en"]), "zh");
  assert.equal(pickLanguage("klingon", ["de"]), "en");
});

Deno.test("catalogues - Chinese and English have exactly the same keys and placeholders", () => {
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  for (const key of Object.keys(en)) {
    const names = (/** @type {string} */ text) => (text.match(/\{\w+\}/g) ?? []).sort();
    assert.deepEqual(names(zh[key]), names(en[key]), key);
  }
});
