import assert from "node:assert/strict";
import en from "./messages/en.js";
import zh from "./messages/zh.js";

Deno.test("admin catalogues - Chinese and English have exactly the same keys and placeholders", () => {
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  for (const key of Object.keys(en)) {
    const names = (/** @type {string} */ text) => (text.match(/\{\w+\}/g) ?? []).sort();
    assert.deepEqual(names(zh[key]), names(en[key]), key);
  }
});
