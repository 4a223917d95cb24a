import assert from "node:assert/strict";
import { admits, type BreakerPolicy, CLOSED, settled, trying } from "./breaker.ts";
import { afterFailure } from "./retry.ts";
import { signatureHeader, verifySignature } from "./signature.ts";
import { endpointUrl } from "./endpoint_url.ts";
import { DomainError } from "@ticketd/shared/errors.ts";

const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 5, maxAgeMs: 3_600_000 };

Deno.test("afterFailure - back-off doubles within jitter bounds and is capped", () => {
  for (const random of [0, 0.5, 0.999]) {
    const first = afterFailure(policy, 1, 0, 0, random) as { retryAt: number };
    assert.ok(first.retryAt >= 500 && first.retryAt <= 1_000);
    const third = afterFailure(policy, 3, 0, 0, random) as { retryAt: number };
    assert.ok(third.retryAt >= 2_000 && third.retryAt <= 4_000);
  }
  const capped = afterFailure({ ...policy, maxAttempts: 50 }, 30, 0, 0, 0.999) as {
    retryAt: number;
  };
  assert.ok(capped.retryAt <= 60_000);
});

Deno.test("afterFailure - a delivery fails after its last attempt or once too old", () => {
  assert.deepEqual(afterFailure(policy, 5, 0, 0, 0.5), { failed: true });
  assert.deepEqual(afterFailure(policy, 2, 0, 3_599_500, 0.5), { failed: true });
});

const breakerPolicy: BreakerPolicy = { threshold: 3, openMs: 1_000, maxOpenMs: 4_000 };

Deno.test("breaker - opens after the threshold, half-opens after its time, a failed trial doubles it", () => {
  let breaker = CLOSED;
  for (let i = 0; i < 3; i++) breaker = settled(breakerPolicy, breaker, false, 0);
  assert.equal(breaker.state, "open");
  assert.equal(admits(breaker, 999), false);
  assert.equal(admits(breaker, 1_000), true);
  breaker = trying(breaker, 1_000);
  assert.equal(breaker.state, "half_open");
  assert.equal(admits(breaker, 1_000), false); // one trial at a time
  breaker = settled(breakerPolicy, breaker, false, 1_000);
  assert.deepEqual(breaker, { state: "open", until: 3_000, openMs: 2_000 });
  breaker = settled(breakerPolicy, trying(breaker, 3_000), true, 3_100);
  assert.deepEqual(breaker, CLOSED);
});

Deno.test("signature - verifies with the secret, fails with another, a changed body or an old time", () => {
  const body = '{"id":"TICKETS:1:0"}';
  const header = signatureHeader(["s1"], 1_700_000_000, body);
  assert.match(header, /^t=1700000000,v1=[0-9a-f]{64}$/);
  assert.equal(verifySignature("s1", header, body, 1_700_000_010), true);
  assert.equal(verifySignature("s2", header, body, 1_700_000_010), false);
  assert.equal(verifySignature("s1", header, body + " ", 1_700_000_010), false);
  assert.equal(verifySignature("s1", header, body, 1_700_001_000), false);
  const overlapping = signatureHeader(["new", "old"], 1_700_000_000, body);
  assert.equal(verifySignature("old", overlapping, body, 1_700_000_000), true);
  assert.equal(verifySignature("new", overlapping, body, 1_700_000_000), true);
});

Deno.test("endpointUrl - https only; loopback http only with the dev setting; no credentials", () => {
  assert.equal(endpointUrl("https://hooks.example.com/x", false), "https://hooks.example.com/x");
  assert.equal(endpointUrl("http://127.0.0.1:9/x", true), "http://127.0.0.1:9/x");
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as DomainError).code;
    }
  };
  assert.equal(code(() => endpointUrl("http://127.0.0.1:9/x", false)), "https_required");
  assert.equal(code(() => endpointUrl("http://example.com/x", true)), "https_required");
  assert.equal(code(() => endpointUrl("https://u:p@example.com/", false)), "invalid_url");
  assert.equal(code(() => endpointUrl("not a url", false)), "invalid_url");
});
