import assert from "node:assert/strict";
import messages from "./messages.js";

Deno.test("agent catalogues - Chinese and English have exactly the same keys and placeholders", () => {
  assert.deepEqual(Object.keys(messages.zh).sort(), Object.keys(messages.en).sort());
  const names = (/** @type {string} */ text) => (text.match(/\{\w+\}/g) ?? []).sort();
  for (const [key, text] of Object.entries(messages.en)) {
    assert.deepEqual(
      names(/** @type {Record<string, string>} */ (messages.zh)[key]),
      names(text),
      key,
    );
  }
});
