import { deepEqual } from "node:assert/strict";
import type { RoutingEvent } from "@ticketd/shared/events/routing.ts";
import type { TicketCommit } from "@ticketd/shared/events/tickets.ts";
import { foldRoutingEvent, foldTicketCommit, unknownTicket } from "./report_ticket.ts";
import { Tally } from "./tally.ts";

const meta = (at: string) => ({
  commandId: "1",
  tenant: "acme",
  ticketId: "7",
  at,
  actorId: "agent-a",
  actorRole: "agent" as const,
});
const created: TicketCommit = {
  meta: meta("2026-03-29T10:00:00Z"),
  events: [{
    type: "TicketCreated",
    data: {
      ticketId: "7",
      number: 7,
      requesterId: "c",
      subject: "enc:x",
      status: "new",
      priority: "normal",
      tags: [],
      assigneeId: "agent-a",
      groupId: "g1",
      customFields: {},
      followUpOf: null,
      externalId: null,
    },
  }],
};
const solved = {
  meta: meta("2026-03-29T12:00:00Z"),
  events: [{ type: "TicketStatusChanged", data: { from: "new", to: "solved" } }],
} as TicketCommit;
const breach: RoutingEvent = {
  type: "SlaBreached",
  data: {
    ticketId: "7",
    tenant: "acme",
    target: "resolution",
    dueAt: "2026-03-29T11:00:00Z",
    policyPriority: "normal",
  },
};

function slaTotals(tally: Tally) {
  const totals = { slaAttained: 0, slaBreached: 0 };
  for (const { counts } of tally.slots) {
    totals.slaAttained += counts.slaAttained ?? 0;
    totals.slaBreached += counts.slaBreached ?? 0;
  }
  return totals;
}

Deno.test("foldRoutingEvent - a breach counts the same before or after the solve is folded", () => {
  const early = new Tally();
  let state = foldRoutingEvent(unknownTicket(), breach, early);
  state = foldTicketCommit(state, created, early);
  foldTicketCommit(state, solved, early);
  const late = new Tally();
  state = foldTicketCommit(unknownTicket(), created, late);
  state = foldTicketCommit(state, solved, late);
  foldRoutingEvent(state, breach, late);
  deepEqual(slaTotals(early), { slaAttained: 0, slaBreached: 1 });
  deepEqual(slaTotals(late), { slaAttained: 0, slaBreached: 1 });
});

Deno.test("foldTicketCommit - an internal note or a customer's message is no first response", () => {
  const tally = new Tally();
  let state = foldTicketCommit(unknownTicket(), created, tally);
  for (const [authorRole, internal] of [["customer", false], ["agent", true]] as const) {
    state = foldTicketCommit(state, {
      meta: meta("2026-03-29T11:00:00Z"),
      events: [{
        type: "MessagePosted",
        data: { messageId: "9", authorId: "x", authorRole, internal, body: "enc:x" },
      }],
    }, tally);
  }
  deepEqual(state.firstResponded, false);
  deepEqual(tally.durations, []);
});
