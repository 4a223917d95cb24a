import assert from "node:assert/strict";
import { type NextStored, orderBatch } from "./resilient_consumer_order.ts";

const at = (...seqs: number[]) => seqs.map((seq) => ({ seq }));
const stored = (...seqs: number[]): NextStored => (from) =>
  Promise.resolve(seqs.find((s) => s >= from) ?? null);

Deno.test("orderBatch - deliveries right after the position are all ready", async () => {
  const ordered = await orderBatch(at(11, 12, 13), 10, stored());
  assert.deepEqual(ordered, { ready: at(11, 12, 13), stale: [], missing: null });
});

Deno.test("orderBatch - a delivery lost in the middle stops the batch before the hole", async () => {
  const ordered = await orderBatch(at(11, 12, 14, 15), 10, stored(11, 12, 13, 14, 15));
  assert.deepEqual(ordered, { ready: at(11, 12), stale: [], missing: 13 });
});

Deno.test("orderBatch - lost deliveries right after the position leave nothing ready", async () => {
  const ordered = await orderBatch(at(35, 36), 10, stored(11, 35, 36));
  assert.deepEqual(ordered, { ready: [], stale: [], missing: 11 });
});

Deno.test("orderBatch - messages deleted from the stream are no hole", async () => {
  const ordered = await orderBatch(at(11, 14), 10, stored(11, 14));
  assert.deepEqual(ordered, { ready: at(11, 14), stale: [], missing: null });
});

Deno.test("orderBatch - a stream that cannot tell what comes next counts as a hole", async () => {
  const ordered = await orderBatch(at(14), 10, () => Promise.resolve(null));
  assert.deepEqual(ordered, { ready: [], stale: [], missing: 11 });
});

Deno.test("orderBatch - redeliveries at or below the position are stale, repeats dropped", async () => {
  const ordered = await orderBatch(at(9, 10, 11, 11, 12), 10, stored());
  assert.deepEqual(ordered, { ready: at(11, 12), stale: at(9, 10), missing: null });
});
