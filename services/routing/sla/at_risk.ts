/**
 * The tickets whose SLA is at risk: a running first-response or resolution clock due within a
 * window or already overdue, computed from the folded SLA states (not from the alarm heap, which
 * drops a ticket once its alarms have gone off: an overdue ticket must stay listed).
 * @module
 */
import type { Priority } from "@ticketd/shared/events/tickets.ts";
import type { SlaTargetName } from "../domain/sla/alarms.ts";
import { type SlaClock, slaDeadlines } from "../domain/sla/deadlines.ts";
import type { SlaPolicy } from "../domain/sla/policy.ts";
import type { SlaState } from "../domain/sla/sla_state.ts";
import { compareIds } from "./sla_timers.ts";

export interface AtRiskTicket {
  ticketId: string;
  /** The clock due first. */
  target: SlaTargetName;
  /** Epoch ms; at or before `now` means breached. */
  dueAt: number;
  policyPriority: Priority;
}

/**
 * Each ticket with a clock due by `until`, once (its earliest such clock), earliest first, ties
 * by id. A met or paused clock (pending, on hold) cannot breach, so it is not at risk.
 */
export function ticketsAtRisk(
  states: Iterable<[ticketId: string, state: SlaState]>,
  policy: SlaPolicy,
  until: number,
): AtRiskTicket[] {
  const found: AtRiskTicket[] = [];
  for (const [ticketId, state] of states) {
    const deadlines = slaDeadlines(state, policy);
    const first = dueBy(deadlines.firstResponse, until);
    const resolution = dueBy(deadlines.resolution, until);
    const target = first !== null && (resolution === null || first <= resolution)
      ? "first_response"
      : "resolution";
    const dueAt = target === "first_response" ? first : resolution;
    if (dueAt !== null) found.push({ ticketId, target, dueAt, policyPriority: deadlines.priority });
  }
  return found.sort((a, b) => a.dueAt - b.dueAt || compareIds(a.ticketId, b.ticketId));
}

function dueBy(clock: SlaClock | null, until: number): number | null {
  if (!clock || clock.metAt !== null || clock.stoppedAt !== null || clock.dueAt === null) {
    return null;
  }
  return clock.dueAt <= until ? clock.dueAt : null;
}
