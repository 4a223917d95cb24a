import assert from "node:assert/strict";
import {
  DEFAULT_FEATURES,
  featureSlot,
  featurize,
  normalizeText,
  textFeatures,
  walkFeatures,
} from "./features.ts";

Deno.test("textFeatures - Chinese without spaces yields character n-grams such as 崩溃", () => {
  const features = textFeatures("应用崩溃了");
  for (const gram of ["c:崩", "c:崩溃", "c:<应用", "c:崩溃了", "c:了>"]) {
    assert.ok(features.includes(gram), gram);
  }
  assert.ok(!features.some((feature) => feature.startsWith("w:")), "no word features for Han runs");
});

Deno.test("textFeatures - Latin words get boundary-marked n-grams and a word feature", () => {
  const features = textFeatures("Card lost");
  for (const name of ["w:card", "w:lost", "c:<car", "c:ard>", "c:<c", "c:d>", "c:c"]) {
    assert.ok(features.includes(name), name);
  }
  assert.ok(!features.includes("c:<") && !features.includes("c:>"), "lone markers are dropped");
});

Deno.test("textFeatures - mixed Latin and Han split into separate tokens", () => {
  const features = textFeatures("app崩溃");
  assert.ok(features.includes("w:app") && features.includes("c:app>"));
  assert.ok(features.includes("c:<崩溃>"));
});

Deno.test("normalizeText - NFKC and lower case make full-width and upper case meet", () => {
  assert.equal(normalizeText("ＣＡＲＤ Ｎo.１"), "card no.1");
  assert.equal(normalizeText("ﬁle"), "file");
  assert.deepEqual(featurize("ＣＡＲＤ Lost"), featurize("card lost"));
});

Deno.test("walkFeatures - incremental hashes equal the hash of each feature's name", () => {
  const text = "Crash! 崩溃 café 😀ok ＡＢ";
  walkFeatures(text, DEFAULT_FEATURES, (slot, name) => {
    assert.equal(slot, featureSlot(name(), DEFAULT_FEATURES.bits), name());
  });
});

Deno.test("featurize - log-scaled TF, L2-normalised, slots ascending", () => {
  const vector = featurize("refund refund help");
  const norm = Math.sqrt(vector.values.reduce((sum, value) => sum + value * value, 0));
  assert.ok(Math.abs(norm - 1) < 1e-6);
  assert.deepEqual([...vector.indices], [...vector.indices].sort((a, b) => a - b));
  const valueOf = (feature: string) =>
    vector.values[[...vector.indices].indexOf(featureSlot(feature, DEFAULT_FEATURES.bits))];
  assert.ok(Math.abs(valueOf("w:refund") / valueOf("w:help") - (1 + Math.log(2))) < 1e-5);
});

Deno.test("featurize - only the first maxChars of the text count", () => {
  const config = { ...DEFAULT_FEATURES, maxChars: 5 };
  assert.deepEqual(featurize("hello and much more text", config), featurize("hello", config));
});
