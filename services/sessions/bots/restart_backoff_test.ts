import assert from "node:assert/strict";
import { RestartBackoff } from "./restart_backoff.ts";

const policy = { restartBackoffMs: 100, restartBackoffMaxMs: 350 };

Deno.test("RestartBackoff - the first end restarts at once, further ones wait longer each time", () => {
  const backoff = new RestartBackoff(policy);
  backoff.ended(1_000);
  assert.equal(backoff.notBefore, 0);
  backoff.ended(1_000);
  assert.equal(backoff.notBefore, 1_100);
  backoff.ended(2_000);
  assert.equal(backoff.notBefore, 2_200);
  backoff.ended(3_000);
  assert.equal(backoff.notBefore, 3_350, "capped at the maximum");
});

Deno.test("RestartBackoff - an answered turn starts the count again", () => {
  const backoff = new RestartBackoff(policy);
  backoff.ended(0), backoff.ended(0), backoff.succeeded();
  backoff.ended(5_000);
  assert.equal(backoff.notBefore, 0);
});
