import assert from "node:assert/strict";
import {
  coverageCurve,
  evaluate,
  isHeldOut,
  majorityBaseline,
  scorePredictions,
  splitHeldOut,
} from "./evaluation.ts";
import { syntheticExamples } from "./test_examples.ts";
import { seededRandom, trainClassifier } from "./training.ts";

Deno.test("isHeldOut - the same id always lands the same way, about 20% held out", () => {
  const ids = Array.from({ length: 5000 }, (_, i) => `row-${i}`);
  const held = ids.filter((id) => isHeldOut(id));
  assert.ok(held.length > 900 && held.length < 1100, `${held.length}`);
  assert.deepEqual(ids.filter((id) => isHeldOut(id)), held);
  const { train, test } = splitHeldOut(ids.map((id) => ({ id })));
  assert.equal(train.length + test.length, ids.length);
  assert.ok(test.every((row) => isHeldOut(row.id)) && train.every((row) => !isHeldOut(row.id)));
});

Deno.test("scorePredictions - accuracy, per-class precision/recall and macro-F1 by hand", () => {
  const truth = ["a", "a", "a", "b", "b", "c"];
  const guess = ["a", "a", "b", "b", "a", "c"];
  const { accuracy, macroF1, perClass } = scorePredictions(truth, guess);
  assert.equal(accuracy, 4 / 6);
  const a = perClass.find((c) => c.label === "a")!;
  assert.deepEqual([a.precision, a.recall, a.support], [2 / 3, 2 / 3, 3]);
  const b = perClass.find((c) => c.label === "b")!;
  assert.deepEqual([b.precision, b.recall, b.support], [1 / 2, 1 / 2, 2]);
  assert.ok(Math.abs(macroF1 - (2 / 3 + 1 / 2 + 1) / 3) < 1e-12);
});

Deno.test("majorityBaseline - always answers the most common training label", () => {
  const train = [{ text: "", label: "x" }, { text: "", label: "x" }, { text: "", label: "y" }];
  const test = [{ text: "", label: "x" }, { text: "", label: "y" }, { text: "", label: "y" }];
  const baseline = majorityBaseline(train, test);
  assert.equal(baseline.accuracy, 1 / 3);
  assert.equal(baseline.perClass.find((c) => c.label === "x")!.recall, 1);
  assert.equal(baseline.perClass.find((c) => c.label === "y")!.recall, 0);
});

Deno.test("evaluate - a separable set scores high; coverage follows minConfidence", () => {
  const examples = syntheticExamples(30);
  const model = trainClassifier(examples, { random: seededRandom(2), features: { bits: 14 } });
  const held = syntheticExamples(10, 99);
  const result = evaluate(model, held);
  assert.ok(result.accuracy > 0.9 && result.macroF1 > 0.9, JSON.stringify(result));
  assert.equal(result.coverage, 1, "minConfidence 0 always speaks");
  assert.equal(evaluate({ ...model, minConfidence: 2 }, held).coverage, 0);
  const [all, none] = coverageCurve(model, held, [0, 2]);
  assert.deepEqual([all.coverage, all.accuracy], [1, result.accuracy]);
  assert.equal(none.coverage, 0);
});
