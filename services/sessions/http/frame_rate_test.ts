import assert from "node:assert/strict";
import { FrameRate } from "./frame_rate.ts";

const policy = { framesPerSecond: 2, frameBurst: 3, rateLimitStrikes: 2 };

Deno.test("FrameRate - a burst passes, the next frame is refused, then abusive", () => {
  const rate = new FrameRate(policy, 0);
  assert.deepEqual([0, 0, 0, 0, 0].map((t) => rate.take(t)), [
    "ok",
    "ok",
    "ok",
    "refused",
    "abusive",
  ]);
});

Deno.test("FrameRate - tokens come back at framesPerSecond, never above the burst", () => {
  const rate = new FrameRate(policy, 0);
  for (let i = 0; i < 3; i++) rate.take(0);
  assert.equal(rate.take(500), "ok"); // 0.5 s at 2/s = one frame
  assert.equal(rate.take(500), "refused");
  const later = new FrameRate(policy, 0);
  const verdicts = [0, 1, 2, 3].map(() => later.take(60_000));
  assert.deepEqual(verdicts, ["ok", "ok", "ok", "refused"]);
});
