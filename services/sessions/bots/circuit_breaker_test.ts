import assert from "node:assert/strict";
import { CircuitBreaker } from "./circuit_breaker.ts";

const policy = { failureThreshold: 3, cooldownMs: 1_000 };

Deno.test("CircuitBreaker - disables after the threshold of failures in a row", () => {
  const breaker = new CircuitBreaker(policy);
  assert.equal(breaker.failed(0), false);
  assert.equal(breaker.failed(0), false);
  assert.equal(breaker.failed(10), true);
  assert.equal(breaker.allows(500), false);
  assert.equal(breaker.allows(1_010), true);
});

Deno.test("CircuitBreaker - a success in between starts the count again", () => {
  const breaker = new CircuitBreaker(policy);
  breaker.failed(0), breaker.failed(0), breaker.succeeded();
  assert.equal(breaker.failed(0), false);
  assert.equal(breaker.allows(0), true);
});

Deno.test("CircuitBreaker - the trial turn after the pause disables again when it fails", () => {
  const breaker = new CircuitBreaker(policy);
  breaker.failed(0), breaker.failed(0), breaker.failed(0);
  assert.equal(breaker.failed(1_000), true);
  assert.equal(breaker.disabledUntil, 2_000);
});

Deno.test("CircuitBreaker - the trial turn after the pause closes it when it succeeds", () => {
  const breaker = new CircuitBreaker(policy);
  breaker.failed(0), breaker.failed(0), breaker.failed(0);
  breaker.succeeded();
  assert.equal(breaker.failed(1_000), false);
  assert.equal(breaker.allows(1_000), true);
});
