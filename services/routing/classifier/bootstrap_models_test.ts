import assert from "node:assert/strict";
import { PRIORITIES } from "@ticketd/shared/events/tickets.ts";
import { findDataSets, readBanking77 } from "./data_sets.ts";
import { evaluate, splitHeldOut } from "./evaluation.ts";
import { parseModel } from "./model_codec.ts";

const MODELS = new URL("../models/", import.meta.url);
const dataSets = findDataSets();
if (dataSets === null) {
  console.warn(
    "bootstrap_models_test: data sets absent (set TICKETD_DATA_SETS); accuracy test skipped",
  );
}

const load = async (name: string) => parseModel(await Deno.readFile(new URL(name, MODELS)));

Deno.test({
  name: "bootstrap queue model - over 90% accurate on 400 held-out banking77 rows",
  ignore: dataSets === null,
  fn: async () => {
    const { test } = splitHeldOut(await readBanking77(dataSets!));
    const model = await load("queue.model");
    const { accuracy } = evaluate(model, test.slice(0, 400));
    assert.ok(accuracy > 0.9, `accuracy ${accuracy}`);
  },
});

Deno.test("bootstrap models - both parse, total under 3 MB, priority speaks Ticketd priorities", async () => {
  let bytes = 0;
  for (const name of ["queue.model", "priority.model"]) {
    bytes += (await Deno.stat(new URL(name, MODELS))).size;
  }
  assert.ok(bytes < 3 * 1024 * 1024, `${bytes} bytes`);
  const queue = await load("queue.model");
  assert.equal(queue.labels.length, 8);
  const priority = await load("priority.model");
  assert.deepEqual([...priority.labels].sort(), [...PRIORITIES].sort());
});
