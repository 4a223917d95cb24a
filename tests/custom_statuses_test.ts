/**
 * Custom statuses against real NATS JetStream and PostgreSQL: the admin catalogue, a ticket
 * moved to a custom status (its category still the built-in one), the list filter, retiring.
 * @module
 */
import assert from "node:assert/strict";
import {
  adminA,
  adminB,
  agentA,
  type Caller,
  createTicket,
  type Harness,
  projected,
  withHarness,
} from "./support/tickets_harness.ts";

async function defineStatus(h: Harness, who: Caller, body: unknown) {
  const response = await h.call(who, "POST", "/v1/statuses", body);
  return { status: response.status, json: await response.json() };
}

const waitingOnVendor = {
  category: "pending",
  names: { en: "Waiting on vendor", zh: "等待供应商" },
};

async function vendorStatus(h: Harness): Promise<string> {
  const created = await defineStatus(h, adminA, waitingOnVendor);
  assert.equal(created.status, 201, JSON.stringify(created.json));
  return created.json.id;
}

Deno.test("POST /v1/statuses - an admin defines a status; agents read the catalogue, other tenants do not", () =>
  withHarness(async (h) => {
    const created = await defineStatus(h, adminA, waitingOnVendor);
    assert.equal(created.status, 201);
    assert.match(created.json.id, /^[1-9][0-9]{15,18}$/);
    assert.deepEqual({ ...created.json, id: "x" }, { id: "x", ...waitingOnVendor, retired: false });
    const list = await (await h.call(agentA, "GET", "/v1/statuses")).json();
    assert.deepEqual(list.statuses, [created.json]);
    const other = await (await h.call(adminB, "GET", "/v1/statuses")).json();
    assert.deepEqual(other.statuses, []);
  }));

Deno.test("POST /v1/statuses - agents may not define statuses; a live name is taken once", () =>
  withHarness(async (h) => {
    const refused = await defineStatus(h, agentA, waitingOnVendor);
    assert.equal(refused.status, 403);
    assert.equal(refused.json.code, "forbidden");
    await vendorStatus(h);
    const twice = await defineStatus(h, adminA, {
      category: "on_hold",
      names: { en: "WAITING ON VENDOR" },
    });
    assert.equal(twice.status, 409);
    assert.equal(twice.json.code, "custom_status_name_taken");
  }));

Deno.test("POST /v1/tickets/:id/status - a custom status sets its category, shows on the ticket and filters the list", () =>
  withHarness(async (h) => {
    const statusId = await vendorStatus(h);
    const ticket = await createTicket(h, agentA);
    await createTicket(h, agentA); // without a custom status: not in the filtered list
    const moved = await h.call(agentA, "POST", `/v1/tickets/${ticket.id}/status`, {
      customStatusId: statusId,
    });
    assert.equal(moved.status, 200);
    const result = await moved.json();
    await projected(h, result.version);
    const view = await (await h.call(agentA, "GET", `/v1/tickets/${ticket.id}`)).json();
    assert.equal(view.status, "pending");
    assert.equal(view.customStatusId, statusId);
    const list = await (await h.call(agentA, "GET", `/v1/tickets?custom_status=${statusId}`))
      .json();
    assert.deepEqual(list.tickets.map((t: { id: string }) => t.id), [ticket.id]);
    const pending = await (await h.call(agentA, "GET", "/v1/tickets?status=pending")).json();
    assert.deepEqual(pending.tickets.map((t: { id: string }) => t.id), [ticket.id]);
  }));

Deno.test("POST /v1/tickets/:id/status - a custom status of another category than the one named is refused", () =>
  withHarness(async (h) => {
    const statusId = await vendorStatus(h);
    const ticket = await createTicket(h, agentA);
    const response = await h.call(agentA, "POST", `/v1/tickets/${ticket.id}/status`, {
      status: "open",
      customStatusId: statusId,
    });
    assert.equal(response.status, 422);
    assert.equal((await response.json()).code, "custom_status_mismatch");
    const unknown = await h.call(agentA, "POST", `/v1/tickets/${ticket.id}/status`, {
      customStatusId: "1234567890123456",
    });
    assert.equal((await unknown.json()).code, "unknown_custom_status");
  }));

Deno.test("POST /v1/statuses/:id/retire - a retired status cannot be chosen; a ticket holding it keeps it", () =>
  withHarness(async (h) => {
    const statusId = await vendorStatus(h);
    const ticket = await createTicket(h, agentA);
    await h.call(agentA, "POST", `/v1/tickets/${ticket.id}/status`, { customStatusId: statusId });
    const retired = await h.call(adminA, "POST", `/v1/statuses/${statusId}/retire`);
    assert.equal(retired.status, 200);
    assert.equal((await retired.json()).retired, true);
    const second = await createTicket(h, agentA);
    const refused = await h.call(agentA, "POST", `/v1/tickets/${second.id}/status`, {
      customStatusId: statusId,
    });
    assert.equal(refused.status, 422);
    assert.equal((await refused.json()).code, "custom_status_retired");
    const kept = await h.call(
      agentA,
      "GET",
      `/v1/tickets/${ticket.id}?min_version=${second.version}`,
    );
    assert.equal((await kept.json()).customStatusId, statusId);
    const again = await defineStatus(h, adminA, waitingOnVendor);
    assert.equal(again.status, 201, "a retired status frees its name");
  }));

Deno.test("PATCH /v1/statuses/:id - renaming keeps the id and category", () =>
  withHarness(async (h) => {
    const statusId = await vendorStatus(h);
    const response = await h.call(adminA, "PATCH", `/v1/statuses/${statusId}`, {
      names: { en: "Vendor is on it" },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      id: statusId,
      category: "pending",
      names: { en: "Vendor is on it" },
      retired: false,
    });
    const missing = await h.call(adminA, "PATCH", "/v1/statuses/1234567890123456", {
      names: { en: "x" },
    });
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).code, "custom_status_not_found");
  }));
