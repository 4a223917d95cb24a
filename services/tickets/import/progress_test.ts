import assert from "node:assert/strict";
import { duration, progressReporter, type ProgressState, renderProgress } from "./progress.ts";

const state: ProgressState = {
  label: "t.jsonl",
  done: 150,
  total: 400,
  startDone: 50,
  created: 90,
  present: 8,
  rejected: 2,
};

Deno.test("renderProgress - shows done/total, the rate of this run and the time left", () => {
  const line = renderProgress(state, 2_000, 8);
  assert.equal(
    line,
    "t.jsonl [###-----] 150/400 37% 50/s ETA 0:05 (created 90, present 8, rejected 2)",
  );
});

Deno.test("renderProgress - before any row the rate is 0 and the time left unknown", () => {
  assert.match(renderProgress({ ...state, done: 50 }, 0), /0\/s ETA \?/);
});

Deno.test("duration - minutes and seconds, hours when needed", () => {
  assert.equal(duration(65_000), "1:05");
  assert.equal(duration(3_725_000), "1:02:05");
});

Deno.test("progressReporter - on a terminal redraws one line in place", () => {
  let clock = 0;
  const out: string[] = [];
  const progress = progressReporter({
    write: (t) => out.push(t),
    isTerminal: true,
    now: () => clock,
  });
  progress.update(state); // the first draw waits one interval
  clock = 50;
  progress.update({ ...state, done: 151 });
  clock = 200;
  progress.update({ ...state, done: 152 });
  progress.stop();
  assert.equal(out.length, 3);
  assert.ok(out.slice(0, 2).every((t) => t.startsWith("\r") && t.endsWith("\x1b[K")));
  assert.match(out[0], /152\/400/);
  assert.equal(out[2], "\n");
});

Deno.test("progressReporter - elsewhere writes a line every interval", () => {
  let clock = 0;
  const out: string[] = [];
  const progress = progressReporter({
    write: (t) => out.push(t),
    isTerminal: false,
    now: () => clock,
  });
  progress.update(state);
  clock = 1_000;
  progress.update(state);
  clock = 5_000;
  progress.update(state);
  progress.stop();
  assert.equal(out.length, 2);
  assert.ok(out.every((t) => t.endsWith("\n") && !t.includes("\r")));
});
