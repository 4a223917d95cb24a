/**
 * Rate limits on the tickets API: per bearer token and per client address, as settings, with
 * 429 `rate_limited` and `Retry-After`, and a bucket that refills.
 * @module
 */
import assert from "node:assert/strict";
import { agentA, customerA, withHarness } from "./support/tickets_harness.ts";

const tight = {
  TICKETD_RATE_TOKEN_BURST: "3",
  TICKETD_RATE_TOKEN_PER_MINUTE: "60",
  TICKETD_RATE_ADDRESS_BURST: "5",
  TICKETD_RATE_ADDRESS_PER_MINUTE: "60",
};

Deno.test("rate limits - a token past its burst gets 429 with Retry-After; others go on", () =>
  withHarness(async (h) => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.call(agentA, "GET", "/v1/tickets")).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const refused = await h.call(agentA, "GET", "/v1/tickets");
    assert.equal(refused.headers.get("retry-after"), "1");
    const problem = await refused.json();
    assert.equal(problem.code, "rate_limited");
    assert.match(problem.detail ?? problem.title, /per-token/);
    assert.equal((await h.call(customerA, "GET", "/v1/tickets")).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // one token back at 1/s
    assert.equal((await h.call(agentA, "GET", "/v1/tickets")).status, 200);
  }, { ...tight, TICKETD_RATE_ADDRESS_BURST: "1000" }));

Deno.test("rate limits - one address is limited across tokens and without any token", () =>
  withHarness(async (h) => {
    const from = (address: string, token?: string) =>
      h.service.fetch(
        new Request("http://tickets.test/openapi.json", {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        }),
        { remoteAddr: { transport: "tcp", hostname: address, port: 40000 } },
      );
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await from("10.0.0.1")).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    const refused = await from("10.0.0.1", await h.token(agentA));
    assert.equal(refused.status, 429);
    assert.match((await refused.json()).detail, /per-address/);
    assert.equal((await from("10.0.0.2")).status, 200);
  }, tight));
