import assert from "node:assert/strict";
import { featurize, textFeatures } from "./features.ts";
import { classify } from "./model.ts";
import { syntheticExamples } from "./test_examples.ts";
import { seededRandom, trainClassifier } from "./training.ts";

const model = trainClassifier(syntheticExamples(), {
  random: seededRandom(1),
  features: { bits: 14 },
  minConfidence: 0.5,
});

Deno.test("classify - scores are probabilities over every label, most probable first", () => {
  const { scores, confidence, label } = classify(model, "refund my payment");
  assert.equal(scores.length, 3);
  assert.ok(Math.abs(scores.reduce((sum, s) => sum + s.score, 0) - 1) < 1e-9);
  assert.ok(scores.every((s, i) => i === 0 || scores[i - 1].score >= s.score));
  assert.equal(confidence, scores[0].score);
  assert.equal(label, scores[0].label);
});

Deno.test("classify - under minConfidence the model does not speak (label null)", () => {
  const vague = classify(model, "hello thanks");
  assert.ok(vague.confidence < 0.99);
  const silenced = classify(model, "hello thanks", { minConfidence: vague.confidence + 0.001 });
  assert.equal(silenced.label, null);
  assert.equal(silenced.scores[0].label, vague.scores[0].label, "the scores are still given");
  const strict = { ...model, minConfidence: 1.01 };
  assert.equal(classify(strict, "I want a refund for this invoice").label, null);
  assert.equal(classify(model, "I want a refund for this invoice").label, "billing");
});

Deno.test("classify - because names the input's own n-grams that pushed the label", () => {
  const text = "Where is the refund for my invoice?";
  const result = classify(model, text);
  const own = new Set(textFeatures(text, model.features));
  assert.ok(result.because.length > 0 && result.because.length <= 5);
  for (const reason of result.because) {
    assert.ok(reason.weight > 0);
    for (const name of reason.feature.split("|")) assert.ok(own.has(name), name);
  }
  const fromKeyWords = (name: string) =>
    ["<refund>", "<invoice>"].some((w) => w.includes(name.slice(2)));
  assert.ok(result.because.some((r) => fromKeyWords(r.feature)), JSON.stringify(result.because));
  assert.ok(result.because.every((r, i) => i === 0 || result.because[i - 1].weight >= r.weight));
});

Deno.test("classify - reasons: 0 gives no reasons, text without letters gives none either", () => {
  assert.deepEqual(classify(model, "refund", { reasons: 0 }).because, []);
  assert.deepEqual(classify(model, "!!! ???").because, []);
});

Deno.test("classify - a vector featurised beforehand gives the same answer as the text alone", () => {
  const text = "Where is the refund for my invoice?";
  const vector = featurize(text, model.features);
  const alone = classify(model, text, { reasons: 0 });
  const given = classify(model, text, { reasons: 0, vector });
  assert.deepEqual(given, alone);
  assert.deepEqual(alone.because, [], "no reasons asked, none made");
});
