import assert from "node:assert/strict";
import { classify } from "../classifier/model.ts";
import { parseModel } from "../classifier/model_codec.ts";
import { syntheticExamples } from "../classifier/test_examples.ts";
import { readJsonlRows, retrain } from "./train.ts";

Deno.test("train retrain - a tenant's jsonl of {text,label} becomes a model file that classifies", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rows = syntheticExamples(30).map((example, i) => ({ id: `t-${i}`, ...example }));
    await Deno.writeTextFile(
      `${dir}/rows.jsonl`,
      rows.map((row) => JSON.stringify(row)).join("\n"),
    );
    const report = await retrain(`${dir}/rows.jsonl`, `${dir}/tenant.model`, {
      seed: 1,
      minConfidence: 0.5,
      classWeights: "sqrt",
    });
    assert.match(report, /\| model \| \d+\.\d% \|/);
    assert.match(report, /trained on all 90 rows/);
    const model = await parseModel(await Deno.readFile(`${dir}/tenant.model`));
    assert.equal(model.minConfidence, 0.5);
    assert.equal(classify(model, "refund for a payment charged twice").label, "billing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train readJsonlRows - ids default to the text; a row without text or label is refused", () => {
  assert.deepEqual(
    readJsonlRows('{"text":"hi","label":"a"}\n\n{"id":"9","text":"yo","label":"b"}\n'),
    [
      { id: "hi", text: "hi", label: "a" },
      { id: "9", text: "yo", label: "b" },
    ],
  );
  assert.throws(() => readJsonlRows('{"text":"hi"}'), /Line 1/);
});
