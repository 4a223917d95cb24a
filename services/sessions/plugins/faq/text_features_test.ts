import assert from "node:assert/strict";
import { textFeatures } from "./text_features.ts";

Deno.test("textFeatures - words, word pairs and character 3-grams, NFKC and lower case", () => {
  const features = textFeatures("Ｒｅfund it");
  assert.equal(features.get("w:refund"), 1);
  assert.equal(features.get("b:refund it"), 1);
  assert.equal(features.get("g:<re"), 1);
  assert.equal(features.get("g:nd>"), 1);
});

Deno.test("textFeatures - CJK text gives characters and neighbouring pairs", () => {
  const features = textFeatures("退款");
  assert.deepEqual([...features.keys()].sort(), ["c:款", "c:退", "c:退款"]);
});
