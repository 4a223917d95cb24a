/**
 * The alarms a ticket's clocks raise: a warning and a breach per target, each at a moment the
 * clock reached while it was counting. Issued alarms (recorded in the state) are left out.
 * @module
 */
import type { SlaTargetName } from "@ticketd/shared/events/routing.ts";
import type { Priority } from "@ticketd/shared/events/tickets.ts";
import { type SlaClock, slaDeadlines } from "./deadlines.ts";
import type { SlaPolicy } from "./policy.ts";
import type { SlaState } from "./sla_state.ts";

export type { SlaTargetName };
export type SlaStage = "warning" | "breach";

export interface SlaAlarm {
  target: SlaTargetName;
  stage: SlaStage;
  /** When the alarm goes off (epoch ms). */
  at: number;
  /** The due time the alarm speaks of (epoch ms); for a breach, `at` itself. */
  dueAt: number;
  /** The priority whose target was applied. */
  policyPriority: Priority;
}

/** Identifies an alarm within its ticket: `<target>:<stage>:<dueAt ISO>`. */
export function alarmKey(alarm: Pick<SlaAlarm, "target" | "stage" | "dueAt">): string {
  return `${alarm.target}:${alarm.stage}:${new Date(alarm.dueAt).toISOString()}`;
}

/** Every alarm of the ticket in `state` not yet issued, in time order. */
export function pendingAlarms(state: SlaState, policy: SlaPolicy): SlaAlarm[] {
  const deadlines = slaDeadlines(state, policy);
  const alarms = [
    ...clockAlarms("first_response", deadlines.firstResponse, deadlines.priority),
    ...clockAlarms("resolution", deadlines.resolution, deadlines.priority),
  ];
  const pending = state.issued.length === 0
    ? alarms
    : alarms.filter((alarm) => !state.issued.includes(alarmKey(alarm)));
  return pending.sort((a, b) => a.at - b.at);
}

function clockAlarms(target: SlaTargetName, clock: SlaClock | null, policyPriority: Priority) {
  if (!clock) return [];
  // Only moments reached while counting: a reply or a pause before the moment silences it.
  const before = clock.stoppedAt ?? Infinity;
  const alarms: SlaAlarm[] = [];
  if (clock.warnAt !== null && clock.warningDueAt !== null && clock.warnAt < before) {
    alarms.push({
      target,
      stage: "warning",
      at: clock.warnAt,
      dueAt: clock.warningDueAt,
      policyPriority,
    });
  }
  if (clock.dueAt !== null && clock.dueAt < before) {
    alarms.push({ target, stage: "breach", at: clock.dueAt, dueAt: clock.dueAt, policyPriority });
  }
  return alarms;
}
