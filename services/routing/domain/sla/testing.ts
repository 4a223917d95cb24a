/**
 * Builders shared by the SLA tests: a policy on a calendar and a ticket's history as changes.
 * @module
 */
import type { Priority, TicketStatus } from "@ticketd/shared/events/tickets.ts";
import type { BusinessCalendar } from "./calendar.ts";
import type { SlaPolicy } from "./policy.ts";
import { evolveSla, type SlaState } from "./sla_state.ts";

export const ALWAYS_UTC: BusinessCalendar = { timeZone: "UTC", hours: "24x7", holidays: [] };

/** normal: 60 min first response, 240 min resolution; urgent: 15 / 60; warnings at 50 %. */
export function testPolicy(calendar: BusinessCalendar = ALWAYS_UTC): SlaPolicy {
  return {
    calendar,
    targets: {
      normal: { firstResponseMinutes: 60, resolutionMinutes: 240, warnAtPercent: 50 },
      urgent: { firstResponseMinutes: 15, resolutionMinutes: 60, warnAtPercent: 50 },
    },
  };
}

export interface Step {
  at: string;
  status?: TicketStatus;
  priority?: Priority;
  firstResponseAt?: string;
}

/** Folds `steps` (the first one is the creation, status new and priority normal by default). */
export function history(...steps: Step[]): SlaState {
  let state: SlaState | undefined;
  for (const step of steps) {
    state = evolveSla(state, {
      at: step.at,
      status: step.status ?? state?.status ?? "new",
      priority: step.priority ?? state?.priority ?? "normal",
      firstResponseAt: step.firstResponseAt ?? null,
    });
  }
  return state!;
}

export const utc = (iso: string): number => Date.parse(iso);
export const iso = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString();
