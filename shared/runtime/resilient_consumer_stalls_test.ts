import assert from "node:assert/strict";
import { type StallWatchDeps, watchForStalls } from "./resilient_consumer_stalls.ts";

const EVERY_MS = 10;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function fakeConsumer(stored: number) {
  const state = { position: 0, busy: false, stalls: [] as number[] };
  const deps: StallWatchDeps = {
    position: () => state.position,
    busy: () => state.busy,
    nextStored: (from) => Promise.resolve(from <= stored ? from : null),
    stalled: (position) => void state.stalls.push(position),
  };
  return { state, deps };
}

Deno.test("watchForStalls - no progress while the stream holds more is a stall, after two checks", async () => {
  const { state, deps } = fakeConsumer(5);
  state.position = 3;
  const watch = watchForStalls(deps, EVERY_MS);
  await pause(EVERY_MS * 1.5);
  assert.deepEqual(state.stalls, [], "one check is not enough");
  await pause(EVERY_MS * 4);
  watch.stop();
  assert.equal(state.stalls[0], 3);
});

Deno.test("watchForStalls - caught up, busy applying or advancing is no stall", async () => {
  const caughtUp = fakeConsumer(5);
  caughtUp.state.position = 5;
  const busy = fakeConsumer(5);
  busy.state.busy = true;
  const advancing = fakeConsumer(1_000);
  const watches = [caughtUp, busy, advancing].map((p) => watchForStalls(p.deps, EVERY_MS));
  const ticker = setInterval(() => advancing.state.position++, EVERY_MS / 2);
  await pause(EVERY_MS * 6);
  clearInterval(ticker);
  watches.forEach((w) => w.stop());
  assert.deepEqual([caughtUp, busy, advancing].map((p) => p.state.stalls), [[], [], []]);
});
