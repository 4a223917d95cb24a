/**
 * A tenant's own training data: its solved and closed tickets, labelled with the group that
 * took them (queue) and the priority they ended with. Pure.
 * @module
 */
import type { RoutingTicket } from "../domain/routing_ticket.ts";
import type { Example } from "./model.ts";

export interface TenantExamples {
  queue: Example[];
  priority: Example[];
}

/** Examples from solved/closed tickets with text; tickets without a group give no queue example. */
export function examplesFromTickets(tickets: readonly RoutingTicket[]): TenantExamples {
  const queue: Example[] = [];
  const priority: Example[] = [];
  for (const ticket of tickets) {
    if (ticket.status !== "solved" && ticket.status !== "closed") continue;
    const text = [ticket.subject, ticket.body].filter((part) => part !== "").join("\n");
    if (text.trim() === "") continue; // erased or unopenable content teaches nothing
    if (ticket.groupId !== null) queue.push({ text, label: ticket.groupId });
    priority.push({ text, label: ticket.priority });
  }
  return { queue, priority };
}
