import assert from "node:assert/strict";
import { afterFailure, lockedForSeconds, type LoginFailures } from "./lockout.ts";

const policy = { maxFailures: 3, lockoutMs: 15 * 60_000 };
const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));

function fail(times: number, start = 0): LoginFailures | null {
  let state: LoginFailures | null = null;
  for (let i = 0; i < times; i++) state = afterFailure(state, at(start + i), policy);
  return state;
}

Deno.test("afterFailure - fewer than maxFailures leave the name unlocked", () => {
  assert.equal(lockedForSeconds(fail(2), at(2)), 0);
});

Deno.test("afterFailure - maxFailures lock the name for the lockout time", () => {
  const state = fail(3);
  assert.equal(lockedForSeconds(state, at(2)), 15 * 60);
  assert.equal(lockedForSeconds(state, at(10)), 7 * 60);
  assert.equal(lockedForSeconds(state, at(17)), 0);
});

Deno.test("afterFailure - failures older than the lockout window are forgotten", () => {
  let state = fail(2);
  state = afterFailure(state, at(20), policy);
  assert.equal(state.failures, 1);
  assert.equal(lockedForSeconds(state, at(20)), 0);
});

Deno.test("afterFailure - after a lock expires, counting starts again", () => {
  let state = fail(3);
  state = afterFailure(state, at(18), policy);
  assert.equal(state.failures, 1);
  assert.equal(state.lockedUntil, null);
});
