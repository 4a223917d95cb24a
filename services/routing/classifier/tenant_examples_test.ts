import assert from "node:assert/strict";
import type { RoutingTicket } from "../domain/routing_ticket.ts";
import { examplesFromTickets } from "./tenant_examples.ts";

function ticket(overrides: Partial<RoutingTicket>): RoutingTicket {
  return {
    tenant: "1",
    ticketId: "100",
    number: 1,
    requesterId: "7",
    status: "solved",
    priority: "high",
    tags: [],
    assigneeId: null,
    groupId: "billing",
    customFields: {},
    channel: "api",
    version: 3,
    createdAt: "2025-01-01T00:00:00.000Z",
    updatedAt: "2025-01-02T00:00:00.000Z",
    firstResponseAt: null,
    assignedAt: null,
    lastStaffReplyAt: null,
    solvedAt: "2025-01-02T00:00:00.000Z",
    subject: "Refund",
    body: "I was charged twice",
    lastActorRole: "agent",
    ...overrides,
  };
}

Deno.test("examplesFromTickets - solved and closed tickets teach queue (group) and priority", () => {
  const { queue, priority } = examplesFromTickets([
    ticket({}),
    ticket({
      status: "closed",
      groupId: "outage",
      priority: "urgent",
      subject: "Down",
      body: "500",
    }),
  ]);
  assert.deepEqual(queue, [
    { text: "Refund\nI was charged twice", label: "billing" },
    { text: "Down\n500", label: "outage" },
  ]);
  assert.deepEqual(priority.map((e) => e.label), ["high", "urgent"]);
});

Deno.test("examplesFromTickets - open tickets, erased text and missing groups are left out", () => {
  const { queue, priority } = examplesFromTickets([
    ticket({ status: "open" }),
    ticket({ status: "pending" }),
    ticket({ subject: "", body: "" }),
    ticket({ groupId: null, subject: "No group" }),
  ]);
  assert.deepEqual(queue, []);
  assert.deepEqual(priority, [{ text: "No group\nI was charged twice", label: "high" }]);
});
