/**
 * SLA policies: per tenant and priority, a first-response and a resolution target in business
 * minutes, and when to warn (a percentage of the target), all on the tenant's calendar.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import { PRIORITIES, type Priority } from "@ticketd/shared/events/tickets.ts";
import type { BusinessCalendar } from "./calendar.ts";

export interface SlaTarget {
  firstResponseMinutes: number;
  resolutionMinutes: number;
  /** Warn when this share of the target has elapsed (1 … 99). */
  warnAtPercent: number;
}

/** Targets by priority; a priority without one has no SLA clocks. */
export type SlaTargets = Partial<Record<Priority, SlaTarget>>;

/** Everything the clocks of one tenant's tickets depend on. */
export interface SlaPolicy {
  calendar: BusinessCalendar;
  targets: SlaTargets;
}

/** A year of minutes: longer targets are typing mistakes, and keep the day walk bounded. */
export const MAX_TARGET_MINUTES = 525_600;

/** Checks every target; throws `unknown_priority` or `invalid_sla_target` naming the offender. */
export function validateTargets(targets: Record<string, SlaTarget>): SlaTargets {
  for (const [priority, target] of Object.entries(targets)) {
    if (!PRIORITIES.includes(priority as Priority)) {
      fail("unknown_priority", `"${priority}" is not a priority (${PRIORITIES.join(", ")})`);
    }
    minutes(priority, "firstResponseMinutes", target.firstResponseMinutes);
    minutes(priority, "resolutionMinutes", target.resolutionMinutes);
    const percent = target.warnAtPercent;
    if (!Number.isInteger(percent) || percent < 1 || percent > 99) {
      fail(
        "invalid_sla_target",
        `warnAtPercent of ${priority} must be a whole number from 1 to 99`,
      );
    }
  }
  return targets as SlaTargets;
}

function minutes(priority: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_TARGET_MINUTES) {
    fail(
      "invalid_sla_target",
      `${name} of ${priority} must be a whole number of minutes from 1 to ${MAX_TARGET_MINUTES}`,
      422,
      { priority, field: name },
    );
  }
}
