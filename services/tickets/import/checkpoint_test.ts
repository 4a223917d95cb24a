import assert from "node:assert/strict";
import {
  type Checkpoint,
  checkpointPaths,
  loadCheckpoint,
  PrefixTracker,
  saveCheckpoint,
  startRow,
} from "./checkpoint.ts";

const identity = {
  file: "/d/t.jsonl",
  dataset: "gitbugs",
  mapping: "",
  tenant: "demo",
  url: "http://x",
};

Deno.test("PrefixTracker - counts only the contiguous finished prefix", () => {
  const rows = new PrefixTracker(10);
  rows.finish(12);
  rows.finish(11);
  assert.equal(rows.done, 10);
  rows.finish(10);
  assert.equal(rows.done, 13);
  rows.finish(3); // before the start: already counted
  assert.equal(rows.done, 13);
});

Deno.test("startRow - resumes after the prefix, and starts over once all was done", () => {
  const checkpoint = { done: 40 } as Checkpoint;
  assert.equal(startRow(null, 100), 0);
  assert.equal(startRow(checkpoint, 100), 40);
  assert.equal(startRow(checkpoint, 40), 0);
  assert.equal(startRow(checkpoint, 30), 0);
});

Deno.test("checkpointPaths - one file per data set, mapping and target", () => {
  const a = checkpointPaths("data", identity);
  assert.match(a.checkpoint, /^data\/import\/gitbugs-[0-9a-f]{16}\.json$/);
  assert.equal(a.rejects, a.checkpoint.replace(/\.json$/, ".rejects.jsonl"));
  assert.equal(checkpointPaths("data", identity).checkpoint, a.checkpoint);
  assert.notEqual(
    checkpointPaths("data", { ...identity, tenant: "acme" }).checkpoint,
    a.checkpoint,
  );
});

Deno.test("saveCheckpoint - round-trips through loadCheckpoint; none is null", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/c.json`;
    assert.equal(await loadCheckpoint(path), null);
    const checkpoint: Checkpoint = {
      version: 1,
      ...identity,
      done: 5,
      total: 9,
      updatedAt: "2026-01-01T00:00:00.000Z",
    };
    await saveCheckpoint(path, checkpoint);
    assert.deepEqual(await loadCheckpoint(path), checkpoint);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
