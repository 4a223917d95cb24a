/**
 * A seeded history for the reports tests, across the spring-forward night of Europe/Berlin
 * (2026-03-29, 02:00 CET -> 03:00 CEST = 01:00Z): ticket commits and SLA breaches at known
 * instants, so each local day's numbers can be worked out by hand (docs/reports.md, "Tests").
 * @module
 */
import type { TicketEvent } from "@ticketd/shared/events/tickets.ts";
import type { ReportsTestBed } from "../services/reports/testing.ts";

export const TENANT = "acme";
/** An agent id a spreadsheet would run as a formula: the CSV must defuse it. */
export const FORMULA_AGENT = '=HYPERLINK("http://evil.example")';

function created(ticketId: string, assigneeId: string | null, groupId: string | null) {
  return {
    type: "TicketCreated",
    data: {
      ticketId,
      number: Number(ticketId),
      requesterId: "cust-1",
      subject: "enc:v1:sealed",
      status: "new",
      priority: "normal",
      tags: [],
      assigneeId,
      groupId,
      customFields: {},
      followUpOf: null,
      externalId: null,
    },
  } as TicketEvent;
}

function status(from: string, to: string): TicketEvent {
  return { type: "TicketStatusChanged", data: { from, to } } as TicketEvent;
}

function reply(messageId: string, authorId: string): TicketEvent {
  return {
    type: "MessagePosted",
    data: { messageId, authorId, authorRole: "agent", internal: false, body: "enc:v1:sealed" },
  };
}

function logged(entryId: string, agentId: string, seconds: number): TicketEvent {
  return { type: "TimeLogged", data: { entryId, agentId, seconds, note: null } };
}

function breach(ticketId: string, target: "first_response" | "resolution", dueAt: string) {
  return {
    type: "SlaBreached" as const,
    data: { ticketId, tenant: TENANT, target, dueAt, policyPriority: "normal" as const },
  };
}

/** The first half: before the reports service starts. */
export async function seedBefore(bed: ReportsTestBed): Promise<void> {
  // 1: Berlin 2026-03-28 23:30 CET; 2: 2026-03-29 00:30 CET (UTC still says the 28th).
  await bed.commit(TENANT, "1", "2026-03-28T22:30:00Z", [created("1", "agent-a", "g1")]);
  await bed.commit(TENANT, "2", "2026-03-28T23:30:00Z", [created("2", null, "g1")]);
  // A reply to 1 after 2 h (01:30 CET), solved after 4.5 h (05:00 CEST); 25 min worked, 5 taken back.
  await bed.commit(TENANT, "1", "2026-03-29T00:30:00Z", [reply("101", "agent-a")]);
  await bed.commit(TENANT, "1", "2026-03-29T00:40:00Z", [logged("901", "agent-a", 1_500)]);
  await bed.commit(TENANT, "1", "2026-03-29T00:50:00Z", [logged("902", "agent-a", -300)]);
  await bed.commit(TENANT, "1", "2026-03-29T03:00:00Z", [status("new", "solved")]);
  // 2 goes to agent-b and is solved after 10.5 h; routing's breach of it comes after.
  await bed.commit(TENANT, "2", "2026-03-29T08:00:00Z", [{
    type: "TicketAssigned",
    data: { assigneeId: "agent-b", groupId: "g2" },
  }]);
  await bed.commit(TENANT, "2", "2026-03-29T10:00:00Z", [status("new", "solved")]);
  // 3: Berlin 2026-03-29 23:30 CEST; its first response breached before anyone answers.
  await bed.commit(TENANT, "3", "2026-03-29T21:30:00Z", [created("3", "agent-a", "g1")]);
  await bed.alarm(breach("3", "first_response", "2026-03-30T05:30:00Z"));
}

/** The second half: while the reports service runs. */
export async function seedAfter(bed: ReportsTestBed): Promise<void> {
  await bed.alarm(breach("2", "resolution", "2026-03-29T09:30:00Z"));
  // 4: Berlin 2026-03-30 00:30 CEST (a fixed +01:00 would say the 29th).
  await bed.commit(TENANT, "4", "2026-03-29T22:30:00Z", [created("4", null, "g1")]);
  // 3 answered after 8.5 h (08:00 CEST on the 30th); 2 reopened by the customer.
  await bed.commit(TENANT, "3", "2026-03-30T06:00:00Z", [reply("301", "agent-a")]);
  // A day whose only time entry is a correction: its total is negative.
  await bed.commit(TENANT, "1", "2026-03-30T07:00:00Z", [logged("903", "agent-a", -100)]);
  await bed.commit(TENANT, "2", "2026-03-30T08:00:00Z", [status("solved", "open")], {
    id: "cust-1",
    role: "customer",
  });
  await bed.commit(TENANT, "5", "2026-03-30T10:00:00Z", [created("5", FORMULA_AGENT, "-1+2")]);
  // Another tenant's ticket on the same day: never in acme's numbers.
  await bed.commit("other", "6", "2026-03-30T10:00:00Z", [created("6", "agent-a", "g1")]);
}
