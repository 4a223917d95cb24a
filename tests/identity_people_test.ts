/**
 * `GET /people?id=..`: staff of a tenant read the names of its users in one request, and only
 * names; other tenants' users, unknown and malformed ids are left out; customers and auditors
 * may not ask; the number of ids is bounded.
 * @module
 */
import assert from "node:assert/strict";
import {
  callJson as call,
  type IdentityHarness,
  tokensFor,
  withIdentity,
} from "./support/identity_harness.ts";

const token = async (h: IdentityHarness, username: string) =>
  (await tokensFor(h, username)).access_token;

Deno.test("identity people - an agent reads the names of their tenant's users in one request, nothing more", async () => {
  await withIdentity(async (h) => {
    const { customer, supervisor, globexAdmin } = h.userIds;
    const ids = [customer, supervisor, globexAdmin, "visitor-9", "999999999999999"];
    const { status, body } = await call(
      h,
      await token(h, "agent"),
      "GET",
      `/people?${new URLSearchParams(ids.map((id) => ["id", id]))}`,
    );
    assert.equal(status, 200, JSON.stringify(body));
    const expected = [
      { id: customer, name: "customer" },
      { id: supervisor, name: "supervisor" },
    ].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    assert.deepEqual(body.people, expected);
  });
});

Deno.test("identity people - customers may not read names; no id, too many ids or another parameter is a 400", async () => {
  await withIdentity(async (h) => {
    const refused = await call(
      h,
      await token(h, "customer"),
      "GET",
      `/people?id=${h.userIds.agent}`,
    );
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "forbidden");
    const agent = await token(h, "agent");
    const none = await call(h, agent, "GET", "/people");
    assert.equal(none.status, 400);
    assert.equal(none.body.code, "invalid_parameter");
    const many = Array.from({ length: 3 }, (_, i) => `id=${1000 + i}`).join("&");
    const tooMany = await call(h, agent, "GET", `/people?${many}`);
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.code, "invalid_parameter");
    const other = await call(h, agent, "GET", `/people?id=${h.userIds.admin}&role=admin`);
    assert.equal(other.status, 400);
    assert.equal(other.body.code, "unknown_parameter");
  }, { TICKETD_MAX_PAGE_SIZE: "2" });
});
