/**
 * Roles and tenants: customers see and change only their own tickets, agents their tenant's,
 * nobody crosses tenants.
 * @module
 */
import assert from "node:assert/strict";
import {
  adminA,
  agentA,
  agentB,
  createTicket,
  customerA,
  customerA2,
  projected,
  withHarness,
} from "./support/tickets_harness.ts";

Deno.test("customers - list only their own tickets, whatever requester they ask for", () =>
  withHarness(async (h) => {
    const mine = await createTicket(h, customerA);
    const theirs = await createTicket(h, customerA2);
    await projected(h, Math.max(mine.version, theirs.version));
    const list = await (await h.call(customerA, "GET", `/v1/tickets?requester=${customerA2.sub}`))
      .json();
    assert.deepEqual(list.tickets.map((t: { id: string }) => t.id), [mine.id]);
    const all = await (await h.call(agentA, "GET", "/v1/tickets")).json();
    assert.equal(all.tickets.length, 2);
  }));

Deno.test("customers - another customer's ticket does not exist for them", () =>
  withHarness(async (h) => {
    const theirs = await createTicket(h, customerA2);
    await projected(h, theirs.version);
    assert.equal((await h.call(customerA, "GET", `/v1/tickets/${theirs.id}`)).status, 404);
    assert.equal((await h.call(customerA, "GET", `/v1/tickets/${theirs.id}/history`)).status, 404);
    assert.equal(
      (await h.call(customerA, "POST", `/v1/tickets/${theirs.id}/messages`, { body: "hi" })).status,
      404,
    );
  }));

Deno.test("customers - cannot open tickets for others, assign, tag, change status or write notes", () =>
  withHarness(async (h) => {
    const forOthers = await h.call(customerA, "POST", "/v1/tickets", {
      subject: "s",
      body: "b",
      requesterId: "x",
    });
    assert.equal(forOthers.status, 403);
    const { id } = await createTicket(h, customerA);
    const attempts = [
      ["PUT", "assignment", { assigneeId: "me" }],
      ["POST", "tags", { add: ["x"] }],
      ["POST", "status", { status: "solved" }],
      ["PUT", "priority", { priority: "urgent" }],
      ["POST", "messages", { body: "psst", internal: true }],
    ] as const;
    for (const [method, route, body] of attempts) {
      const response = await h.call(customerA, method, `/v1/tickets/${id}/${route}`, body);
      assert.equal(response.status, 403, route);
      assert.equal((await response.json()).code, "forbidden");
    }
  }));

Deno.test("agents - work on every ticket of their tenant and none of another", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA);
    assert.equal(
      (await h.call(agentA, "PUT", `/v1/tickets/${id}/priority`, { priority: "high" })).status,
      200,
    );
    assert.equal(
      (await h.call(agentB, "PUT", `/v1/tickets/${id}/priority`, { priority: "low" })).status,
      404,
    );
  }));

Deno.test("admins - may import with an original time and status", () =>
  withHarness(async (h) => {
    const response = await h.call(adminA, "POST", "/v1/tickets", {
      subject: "Old one",
      body: "From 2021",
      status: "solved",
      createdAt: "2021-09-30T17:20:00Z",
    });
    assert.equal(response.status, 201);
    const { id, version } = await response.json();
    const ticket = await (await h.call(agentA, "GET", `/v1/tickets/${id}?min_version=${version}`))
      .json();
    assert.equal(ticket.status, "solved");
    assert.equal(ticket.createdAt, "2021-09-30T17:20:00.000Z");
  }));

Deno.test("customers - cannot learn about another ticket through an external id", () =>
  withHarness(async (h) => {
    await createTicket(h, agentA, { externalId: "jira:SECRET-1", requesterId: "someone" });
    const probe = await h.call(customerA, "POST", "/v1/tickets", {
      subject: "s",
      body: "b",
      externalId: "jira:SECRET-1",
    });
    assert.equal(probe.status, 403);
    assert.equal((await probe.json()).code, "forbidden");
  }));

Deno.test("customers - cannot cite another customer's ticket as a follow-up", () =>
  withHarness(async (h) => {
    const theirs = await createTicket(h, customerA2);
    const response = await h.call(customerA, "POST", "/v1/tickets", {
      subject: "s",
      body: "b",
      followUpOf: theirs.id,
    });
    assert.equal(response.status, 422);
    assert.equal((await response.json()).code, "invalid_follow_up");
  }));
