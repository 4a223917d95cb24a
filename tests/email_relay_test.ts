/**
 * Relayed ticket commands (`onBehalfOf`): what the email service uses to post a customer's mail
 * as the customer. Only a service of the tickets relay table may, and only for the ticket's own
 * requester; against the real tickets service, JetStream and PostgreSQL.
 * @module
 */
import assert from "node:assert/strict";
import { ticketCommandSender } from "@ticketd/shared/commands/ticket_command_client.ts";
import type { TicketCommandRequest } from "@ticketd/shared/commands/tickets.ts";
import {
  type Caller,
  createTicket,
  customerA,
  customerA2,
  type Harness,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";

const reply = { type: "PostMessage" as const, body: "from my mail", internal: false };

type Changes = Extract<TicketCommandRequest, { changes: unknown }>["changes"];

/** `service` sends `changes` on the ticket for `customer`, as email relays a customer's mail. */
function relay(
  h: Harness,
  service: string,
  ticketId: string,
  customer: Caller,
  changes: Changes,
  more: { idempotencyKey?: string } = {},
) {
  return ticketCommandSender(h.nc, 5_000)("acme", {
    service,
    ticketId,
    changes,
    onBehalfOf: { id: customer.sub, role: "customer" },
    ...more,
  });
}

Deno.test("relayed command - svc:email posting for someone other than the requester finds no ticket", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const sent = await relay(h, "email", ticket.id, customerA2, [reply]);
    assert.equal(sent.ok, false);
    assert.equal(!sent.ok && sent.code, "ticket_not_found");
  }));

Deno.test("relayed command - a service outside the relay table may not act for the requester", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const sent = await relay(h, "routing", ticket.id, customerA, [reply]);
    assert.deepEqual(sent.ok ? null : [sent.code, sent.status], ["relay_not_allowed", 403]);
  }));

Deno.test("relayed command - the relay has only a customer's rights", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const sent = await relay(h, "email", ticket.id, customerA, [{
      type: "ChangePriority",
      to: "urgent",
    }]);
    assert.deepEqual(sent.ok ? null : [sent.code, sent.status], ["forbidden", 403]);
  }));

Deno.test("relayed command - the commit names the customer as actor and the service as relay", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const sent = await relay(h, "email", ticket.id, customerA, [reply], {
      idempotencyKey: "mail-1",
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

/** `service` opens a ticket with a mail's external id for `customer`, as email does. */
function relayCreate(h: Harness, service: string, customer: Caller, requesterId = customer.sub) {
  return ticketCommandSender(h.nc, 5_000)("acme", {
    service,
    create: { subject: "by mail", body: "my words", requesterId, externalId: "email:m-1" },
    onBehalfOf: { id: customer.sub, role: "customer" },
  });
}

Deno.test("relayed create - svc:email opens a ticket only for the customer it carries", () =>
  withHarness(async (h) => {
    const forOther = await relayCreate(h, "email", customerA, customerA2.sub);
    assert.deepEqual(forOther.ok ? null : [forOther.code, forOther.status], ["forbidden", 403]);
    const byRouting = await relayCreate(h, "routing", customerA);
    assert.deepEqual(byRouting.ok ? null : byRouting.code, "relay_not_allowed");
  }));

Deno.test("relayed create - another customer's mail with a taken external id learns nothing", () =>
  withHarness(async (h) => {
    const first = await relayCreate(h, "email", customerA);
    assert.ok(first.ok && !first.duplicate, JSON.stringify(first));
    const again = await relayCreate(h, "email", customerA);
    assert.ok(again.ok && again.duplicate && again.ticketId === first.ticketId);
    const other = await relayCreate(h, "email", customerA2);
    assert.deepEqual(other.ok ? null : [other.code, other.status], ["external_id_taken", 409]);
  }));
