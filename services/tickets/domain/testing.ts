/**
 * Given/when/then for decider tests: `given(events).when(command, actor)` then `.then(events)`
 * or `.thenFails(code)`.
 * @module
 */
import assert from "node:assert/strict";
import type { TicketEvent } from "@ticketd/shared/events/tickets.ts";
import { DomainError } from "@ticketd/shared/errors.ts";
import type { Actor, CreateTicket, TicketCommand, TicketPolicy } from "./commands.ts";
import { decide } from "./decide.ts";
import { evolve, noTicket, type Ticket } from "./ticket.ts";

export const agent: Actor = { id: "agent-1", role: "agent", groups: ["go"] };
export const supervisor: Actor = { id: "super-1", role: "supervisor", groups: [] };
export const admin: Actor = { id: "admin-1", role: "admin", groups: [] };
export const auditor: Actor = { id: "audit-1", role: "auditor", groups: [] };
export const customer: Actor = { id: "cust-1", role: "customer", groups: [] };
export const stranger: Actor = { id: "cust-2", role: "customer", groups: [] };

export const policy: TicketPolicy = {
  maxTags: 5,
  customFields: {
    order: { type: "number", integer: true, min: 1 },
    product: { type: "choice", options: ["editor", "cloud"] },
  },
};

/** A valid create command by the `customer` actor, with `overrides`. */
export function createCommand(overrides: Partial<CreateTicket> = {}): CreateTicket {
  return {
    type: "CreateTicket",
    ticketId: "100",
    number: 1,
    messageId: "101",
    subject: "enc:subject",
    body: "enc:body",
    priority: "normal",
    tags: [],
    requesterId: customer.id,
    assigneeId: null,
    groupId: null,
    customFields: {},
    status: "new",
    followUpOf: null,
    externalId: null,
    ...overrides,
  };
}

/** The events of a ticket created by `customer` and then moved to `status` (if given). */
export function history(status?: TicketEvent & { type: "TicketStatusChanged" }): TicketEvent[] {
  const created = decide(createCommand(), noTicket, customer, policy);
  return status ? [...created, status] : created;
}

export function given(events: TicketEvent[]) {
  const state: Ticket = events.reduce(evolve, noTicket);
  return {
    state,
    when(command: TicketCommand, actor: Actor = agent) {
      const run = () => decide(command, state, actor, policy);
      return {
        then(expected: TicketEvent[]) {
          assert.deepEqual(run(), expected);
        },
        thenFails(code: string) {
          assert.throws(run, (e) => e instanceof DomainError && e.code === code);
        },
      };
    },
  };
}
