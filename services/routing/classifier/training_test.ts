import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import { classify } from "./model.ts";
import { serializeModel } from "./model_codec.ts";
import { syntheticExamples } from "./test_examples.ts";
import { seededRandom, trainClassifier } from "./training.ts";

const SMALL = { bits: 14 };

Deno.test("trainClassifier - a tiny synthetic set is separated, unseen phrasings included", () => {
  const model = trainClassifier(syntheticExamples(), { random: seededRandom(1), features: SMALL });
  assert.deepEqual(model.labels, ["billing", "crash_zh", "outage"]);
  assert.equal(classify(model, "I was charged twice, where is my refund?").label, "billing");
  assert.equal(classify(model, "the site is down with error 500").label, "outage");
  assert.equal(classify(model, "打开就闪退，数据丢失").label, "crash_zh");
});

Deno.test("trainClassifier - the same seed gives the same model bytes", async () => {
  const train = (seed: number) =>
    serializeModel(
      trainClassifier(syntheticExamples(), { random: seededRandom(seed), features: SMALL }),
    );
  assert.deepEqual(await train(9), await train(9));
  assert.notDeepEqual(await train(9), await train(10));
});

Deno.test("trainClassifier - balanced class weights lift a rare class's score", () => {
  let outages = 0;
  const examples = syntheticExamples(40).filter((e) =>
    e.label !== "outage" || outages++ % 10 === 0
  );
  const probe = "it is broken, timeout";
  const outageScore = (classWeights: "none" | "balanced") => {
    const model = trainClassifier(examples, {
      random: seededRandom(1),
      features: SMALL,
      classWeights,
    });
    return classify(model, probe).scores.find((s) => s.label === "outage")!.score;
  };
  assert.ok(outageScore("balanced") > outageScore("none"));
});

Deno.test("trainClassifier - refuses a set with fewer than two labels", () => {
  assert.throws(
    () => trainClassifier([{ text: "a", label: "x" }], { random: seededRandom(1) }),
    (error) => error instanceof DomainError && error.code === "classifier_too_few_labels",
  );
});

Deno.test("seededRandom - one seed, one sequence in [0, 1)", () => {
  const a = seededRandom(42), b = seededRandom(42);
  const draws = Array.from({ length: 100 }, () => a());
  assert.deepEqual(draws, Array.from({ length: 100 }, () => b()));
  assert.ok(draws.every((x) => x >= 0 && x < 1));
  assert.ok(new Set(draws).size === 100);
});
