/**
 * Relayed ticket commands (`onBehalfOf`): what the email service uses to post a customer's mail
 * as the customer. Only a service of the tickets relay table may, and only for the ticket's own
 * requester; against the real tickets service, JetStream and PostgreSQL.
 * @module
 */
import assert from "node:assert/strict";
import { ticketCommandSender } from "@ticketd/shared/commands/ticket_command_client.ts";
import {
  createTicket,
  customerA,
  customerA2,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";

const reply = { type: "PostMessage" as const, body: "from my mail", internal: false };

Deno.test("relayed command - svc:email posting for someone other than the requester finds no ticket", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const sent = await ticketCommandSender(h.nc, 5_000)("acme", {
      service: "email",
      ticketId: ticket.id,
      changes: [reply],
      onBehalfOf: { id: customerA2.sub, role: "customer" },
    });
    assert.equal(sent.ok, false);
    assert.equal(!sent.ok && sent.code, "ticket_not_found");
  }));

Deno.test("relayed command - a service outside the relay table may not act for the requester", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const sent = await ticketCommandSender(h.nc, 5_000)("acme", {
      service: "routing",
      ticketId: ticket.id,
      changes: [reply],
      onBehalfOf: { id: customerA.sub, role: "customer" },
    });
    assert.deepEqual(sent.ok ? null : [sent.code, sent.status], ["relay_not_allowed", 403]);
  }));

Deno.test("relayed command - the relay has only a customer's rights", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const sent = await ticketCommandSender(h.nc, 5_000)("acme", {
      service: "email",
      ticketId: ticket.id,
      changes: [{ type: "ChangePriority", to: "urgent" }],
      onBehalfOf: { id: customerA.sub, role: "customer" },
    });
    assert.deepEqual(sent.ok ? null : [sent.code, sent.status], ["forbidden", 403]);
  }));

Deno.test("relayed command - the commit names the customer as actor and the service as relay", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const sent = await ticketCommandSender(h.nc, 5_000)("acme", {
      service: "email",
      ticketId: ticket.id,
      changes: [reply],
      idempotencyKey: "mail-1",
      onBehalfOf: { id: customerA.sub, role: "customer" },
    });
    assert.ok(sent.ok, JSON.stringify(sent));
    const history = await (await h.call(supervisorA, "GET", `/v1/tickets/${ticket.id}/history`))
      .json();
    assert.deepEqual(history.entries.at(-1).actor, {
      id: customerA.sub,
      role: "customer",
      relayedBy: "svc:email",
    });
  }));
