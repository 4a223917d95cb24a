import assert from "node:assert/strict";
import { KeyedQueue } from "@ticketd/shared/runtime/keyed_queue.ts";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** A task that logs its start and end around one timer tick. */
const recorded = (log: string[], name: string) => async () => {
  log.push(`start ${name}`);
  await tick();
  log.push(`end ${name}`);
};

Deno.test("KeyedQueue - tasks with one key run one at a time, in order", async () => {
  const queue = new KeyedQueue();
  const log: string[] = [];
  await Promise.all([queue.run("t1", recorded(log, "a")), queue.run("t1", recorded(log, "b"))]);
  assert.deepEqual(log, ["start a", "end a", "start b", "end b"]);
});

Deno.test("KeyedQueue - different keys run side by side", async () => {
  const queue = new KeyedQueue();
  const log: string[] = [];
  await Promise.all([queue.run("t1", recorded(log, "a")), queue.run("t2", recorded(log, "b"))]);
  assert.deepEqual(log.slice(0, 2), ["start a", "start b"]);
});

Deno.test("KeyedQueue - a failing task does not block the next one", async () => {
  const queue = new KeyedQueue();
  const failing = queue.run("k", () => Promise.reject(new Error("boom")));
  const next = queue.run("k", () => Promise.resolve(7));
  await assert.rejects(failing, /boom/);
  assert.equal(await next, 7);
});
