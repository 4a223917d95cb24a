import assert from "node:assert/strict";
import { admits, type BreakerPolicy, CLOSED, settled, trying } from "./breaker.ts";
import { afterFailure } from "./retry.ts";
import { signatureHeader, verifySignature } from "./signature.ts";
import { endpointUrl } from "./endpoint_url.ts";
import { isPrivateAddress } from "./private_address.ts";
import { addressRefusal } from "../dispatch/address_guard.ts";
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

const PUBLIC_ONLY = { allowLoopbackHttp: false, allowPrivateAddresses: false };
const DEV = { allowLoopbackHttp: true, allowPrivateAddresses: false };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as DomainError).code;
  }
}

Deno.test("endpointUrl - https only; loopback http only with the dev setting; no credentials", () => {
  const url = "https://hooks.example.com/x";
  assert.equal(endpointUrl(url, PUBLIC_ONLY), url);
  assert.equal(endpointUrl("http://127.0.0.1:9/x", DEV), "http://127.0.0.1:9/x");
  assert.equal(codeOf(() => endpointUrl("http://127.0.0.1:9/x", PUBLIC_ONLY)), "https_required");
  assert.equal(codeOf(() => endpointUrl("http://example.com/x", DEV)), "https_required");
  assert.equal(codeOf(() => endpointUrl("https://u:p@example.com/", PUBLIC_ONLY)), "invalid_url");
  assert.equal(codeOf(() => endpointUrl("not a url", PUBLIC_ONLY)), "invalid_url");
});

Deno.test("endpointUrl - private and local addresses are refused unless the operator allows them", () => {
  for (
    const url of [
      "https://10.1.2.3/x",
      "https://169.254.169.254/latest",
      "https://127.0.0.1/",
      "https://localhost:8443/",
      "https://[::1]/",
      "https://[fd00::1]/",
      "https://[::ffff:192.168.1.1]/",
      "https://0.0.0.0/",
    ]
  ) {
    assert.equal(codeOf(() => endpointUrl(url, DEV)), "private_address", url);
  }
  const allowed = { allowLoopbackHttp: false, allowPrivateAddresses: true };
  assert.equal(endpointUrl("https://10.1.2.3/x", allowed), "https://10.1.2.3/x");
  assert.equal(endpointUrl("https://93.184.216.34/x", PUBLIC_ONLY), "https://93.184.216.34/x");
});

Deno.test("isPrivateAddress - the blocked ranges, IPv4 and IPv6, and public neighbours", () => {
  for (
    const ip of [
      "10.0.0.1",
      "172.31.255.255",
      "192.168.0.1",
      "100.64.0.1",
      "224.0.0.1",
      "fe80::1",
      "fc00::1",
      "::",
    ]
  ) {
    assert.equal(isPrivateAddress(ip), true, ip);
  }
  for (
    const ip of [
      "172.32.0.1",
      "11.0.0.1",
      "8.8.8.8",
      "2606:4700::1111",
      "::ffff:8.8.8.8",
      "::ffff:808:808",
    ]
  ) {
    assert.equal(isPrivateAddress(ip), false, ip);
  }
});

Deno.test("addressRefusal - a name resolving to a private address is refused before any request", async () => {
  const resolving = (addresses: string[]) => () => Promise.resolve(addresses);
  const url = "https://hooks.example.com/x";
  assert.equal(await addressRefusal(url, PUBLIC_ONLY, resolving(["93.184.216.34"])), null);
  assert.equal(
    await addressRefusal(url, PUBLIC_ONLY, resolving(["93.184.216.34", "10.0.0.5"])),
    "private_address",
  );
  assert.equal(await addressRefusal(url, PUBLIC_ONLY, resolving([])), "dns_failed");
  assert.equal(await addressRefusal("http://127.0.0.1:9/", DEV, resolving([])), null);
  const anything = { allowLoopbackHttp: false, allowPrivateAddresses: true };
  assert.equal(await addressRefusal(url, anything, resolving(["10.0.0.5"])), null);
});
