/**
 * Staff reads of ticket content and ticket erasure become ACTIVITY facts; commits carry the
 * source address and request id. Against the real tickets service, JetStream and PostgreSQL.
 * @module
 */
import assert from "node:assert/strict";
import { decodeCommit } from "@ticketd/shared/events/tickets.ts";
import { ACTIVITY_STREAM } from "@ticketd/shared/events/activity.ts";
import { recordedActivity } from "@ticketd/shared/activity/testing.ts";
import { ticketCommandSender } from "@ticketd/shared/commands/ticket_command_client.ts";
import {
  adminA,
  agentA,
  auditorA,
  createTicket,
  customerA,
  projected,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";

const TRUSTED_PROXY = { TICKETD_TRUST_FORWARDED_FOR: "true" };
const from = (ip: string, requestId: string) => ({
  "x-forwarded-for": ip,
  "x-request-id": requestId,
});

Deno.test("GET /tickets/:id - an agent's read is recorded with actor, target and source", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, supervisorA, { groupId: "go", requesterId: "cust-a" });
    await projected(h, ticket.version);
    const response = await h.call(agentA, "GET", `/v1/tickets/${ticket.id}`, undefined, {
      ...from("203.0.113.7", "read-1"),
    });
    assert.equal(response.status, 200);
    await response.body?.cancel();
    const [fact] = await recordedActivity(h.jsm, "tickets.ticket.read");
    assert.deepEqual(fact.actor, { id: "agent-a", role: "agent" });
    assert.deepEqual(fact.target, { type: "ticket", id: ticket.id });
    assert.deepEqual(fact.source, { ip: "203.0.113.7", requestId: "read-1" });
    assert.equal(fact.tenant, "acme");
    assert.deepEqual(fact.changes, { messages: 1 });
  }, TRUSTED_PROXY));

Deno.test("GET /tickets/:id - a customer reading their own ticket is not an audited read", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    await projected(h, ticket.version);
    const response = await h.call(customerA, "GET", `/v1/tickets/${ticket.id}`);
    assert.equal(response.status, 200);
    await response.body?.cancel();
    assert.deepEqual(await recordedActivity(h.jsm, "tickets.ticket.read"), []);
  }));

Deno.test("history and search reads are recorded; a search keeps the count, never the query", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    await projected(h, ticket.version);
    const history = await h.call(auditorA, "GET", `/v1/tickets/${ticket.id}/history`);
    assert.equal(history.status, 200);
    await history.body?.cancel();
    const search = await h.call(supervisorA, "GET", "/v1/tickets?q=printer");
    assert.equal((await search.json()).tickets.length, 1);
    const [historyRead] = await recordedActivity(h.jsm, "tickets.history.read");
    assert.deepEqual(historyRead.actor, { id: "audit-a", role: "auditor" });
    assert.deepEqual(historyRead.target, { type: "ticket", id: ticket.id });
    const [searchRead] = await recordedActivity(h.jsm, "tickets.search.read");
    assert.deepEqual(searchRead.target, { type: "tenant", id: "acme" });
    assert.deepEqual(searchRead.changes, { results: 1, text: true });
    assert.ok(!JSON.stringify(searchRead).toLowerCase().includes("printer"));
  }));

Deno.test("GET /tickets/:id - with the ACTIVITY stream gone a staff read is refused 503, no content", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    await projected(h, ticket.version);
    await h.jsm.streams.delete(ACTIVITY_STREAM);
    const refused = await h.call(supervisorA, "GET", `/v1/tickets/${ticket.id}`);
    assert.equal(refused.status, 503);
    const text = await refused.text();
    assert.equal(JSON.parse(text).code, "activity_unavailable");
    assert.ok(!text.includes("Printer"));
    const history = await h.call(supervisorA, "GET", `/v1/tickets/${ticket.id}/history`);
    assert.equal(history.status, 503);
    await history.body?.cancel();
    const own = await h.call(customerA, "GET", `/v1/tickets/${ticket.id}`);
    assert.equal(own.status, 200, "customers' own reads are not audited, so they still work");
    await own.body?.cancel();
  }));

Deno.test("POST /customers/:id/erasure - the erasure is recorded after it is done, with its counts", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    await projected(h, ticket.version);
    const response = await h.call(adminA, "POST", "/v1/customers/cust-a/erasure");
    assert.equal(response.status, 200);
    const report = await response.json();
    const [fact] = await recordedActivity(h.jsm, "tickets.customer.erased");
    assert.deepEqual(fact.target, { type: "customer", id: "cust-a" });
    assert.deepEqual(fact.changes, {
      erasureId: report.erasureId,
      keysDestroyed: report.keysDestroyed,
      ticketsMarked: 1,
    });
  }));

Deno.test("a commit made over HTTP keeps the caller's address and request id in its meta", () =>
  withHarness(async (h) => {
    const response = await h.call(
      customerA,
      "POST",
      "/v1/tickets",
      { subject: "Printer", body: "On fire" },
      from("198.51.100.4", "create-1"),
    );
    assert.equal(response.status, 201);
    const { version } = await response.json();
    const stored = await h.jsm.streams.getMessage("TICKETS", { seq: version });
    const { meta } = decodeCommit(stored!.data);
    assert.equal(meta.ip, "198.51.100.4");
    assert.equal(meta.requestId, "create-1");
  }, TRUSTED_PROXY));

Deno.test("a command over NATS keeps the source its sender names in the commit's meta", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const reply = await ticketCommandSender(h.nc, 5_000)("acme", {
      service: "attachments",
      ticketId: ticket.id,
      changes: [{ type: "ChangePriority", to: "high" }],
      source: { ip: "192.0.2.9", requestId: "upload-7" },
    });
    assert.ok(reply.ok, JSON.stringify(reply));
    const stored = await h.jsm.streams.getMessage("TICKETS", { seq: reply.version });
    const { meta } = decodeCommit(stored!.data);
    assert.equal(meta.ip, "192.0.2.9");
    assert.equal(meta.requestId, "upload-7");
  }));
