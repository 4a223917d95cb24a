import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import { classify } from "./model.ts";
import { parseModel, serializeModel } from "./model_codec.ts";
import { syntheticExamples } from "./test_examples.ts";
import { seededRandom, trainClassifier } from "./training.ts";

const model = trainClassifier(syntheticExamples(), {
  random: seededRandom(5),
  features: { bits: 14 },
  minConfidence: 0.4,
});
const probes = [
  "charged twice",
  "error 500 again",
  "闪退",
  "hello",
  "",
  "random words nobody used",
];

Deno.test("parseModel(serializeModel) - the parsed model predicts exactly what the trained one did", async () => {
  const parsed = await parseModel(await serializeModel(model));
  assert.deepEqual(parsed.labels, model.labels);
  assert.deepEqual(parsed.features, model.features);
  assert.equal(parsed.minConfidence, 0.4);
  for (const text of probes) assert.deepEqual(classify(parsed, text), classify(model, text), text);
});

Deno.test("serializeModel - keeps only non-zero slots, gzip-compressed", async () => {
  const file = await serializeModel(model);
  assert.deepEqual([...file.slice(0, 2)], [0x1f, 0x8b]);
  assert.ok(
    file.length < model.weights.length / 4,
    `${file.length} bytes for ${model.weights.length} weights`,
  );
});

Deno.test("parseModel - a damaged or foreign file is classifier_model_invalid", async () => {
  const isInvalid = (error: unknown) =>
    error instanceof DomainError && error.code === "classifier_model_invalid";
  await assert.rejects(() => parseModel(new TextEncoder().encode("not a model")), isInvalid);
  const foreign = new Uint8Array(
    await new Response(new Blob(["TKXX1234"]).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer(),
  );
  await assert.rejects(() => parseModel(foreign), isInvalid);
});
