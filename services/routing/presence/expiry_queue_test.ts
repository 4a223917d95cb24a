import assert from "node:assert/strict";
import { ExpiryQueue } from "./expiry_queue.ts";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Counts the timers armed and not yet fired or cleared while `fn` runs. */
async function countingTimers(fn: (live: () => number) => Promise<void>): Promise<void> {
  const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
  type TimerId = ReturnType<typeof setTimeout>;
  const live = new Set<TimerId>();
  globalThis.setTimeout = ((callback: () => void, ms?: number) => {
    const id: TimerId = realSet(() => {
      live.delete(id);
      callback();
    }, ms);
    live.add(id);
    return id;
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((id?: TimerId) => {
    if (id !== undefined) live.delete(id);
    realClear(id);
  }) as unknown as typeof clearTimeout;
  try {
    await fn(() => live.size);
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
}

Deno.test("ExpiryQueue - keys expire in deadline order once their deadline passes", async () => {
  const expired: string[] = [];
  const queue = new ExpiryQueue((key) => expired.push(key));
  const now = Date.now();
  queue.set("a", now + 50);
  queue.set("b", now + 250);
  await delay(150);
  assert.deepEqual(expired, ["a"]);
  await delay(200);
  assert.deepEqual(expired, ["a", "b"]);
  assert.equal(queue.size, 0);
});

Deno.test("ExpiryQueue - a refreshed key expires at its new deadline, not the old one", async () => {
  const expired: string[] = [];
  const queue = new ExpiryQueue((key) => expired.push(key));
  queue.set("a", Date.now() + 30);
  queue.set("b", Date.now() + 60);
  queue.set("a", Date.now() + 300);
  await delay(180);
  assert.deepEqual(expired, ["b"]);
  await delay(220);
  assert.deepEqual(expired, ["b", "a"]);
});

Deno.test("ExpiryQueue - a deleted key never fires", async () => {
  const expired: string[] = [];
  const queue = new ExpiryQueue((key) => expired.push(key));
  queue.set("a", Date.now() + 10);
  queue.set("b", Date.now() + 20);
  queue.delete("a");
  await delay(80);
  assert.deepEqual(expired, ["b"]);
});

Deno.test("ExpiryQueue - a deadline set out of order still expires", async () => {
  const expired: string[] = [];
  const queue = new ExpiryQueue((key) => expired.push(key));
  queue.set("late", Date.now() + 30);
  queue.set("early", Date.now() + 10);
  await delay(100);
  assert.deepEqual(expired, ["late", "early"]);
});

Deno.test("ExpiryQueue - a thousand keys refreshed over and over keep one timer at most", async () => {
  await countingTimers(async (live) => {
    const queue = new ExpiryQueue(() => {});
    let most = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 1_000; i++) {
        queue.set(`agent-${i}`, Date.now() + 15 + (i % 7));
        most = Math.max(most, live());
      }
      await delay(5);
    }
    await delay(100);
    assert.equal(most, 1);
    assert.equal(queue.size, 0);
    assert.equal(live(), 0);
  });
});

// sanitizeOps: Deno 2.9 reports a timer left armed only when asked.
Deno.test({
  name: "ExpiryQueue - stop clears the timer, so nothing fires and no timer is left",
  sanitizeOps: true,
}, async () => {
  const expired: string[] = [];
  const queue = new ExpiryQueue((key) => expired.push(key));
  queue.set("a", Date.now() + 10);
  queue.set("b", Date.now() + 60_000); // would outlive the test if its timer were left armed
  queue.stop();
  queue.set("c", Date.now() + 5); // ignored once stopped
  await delay(20);
  assert.deepEqual(expired, []);
  assert.equal(queue.size, 0);
});
