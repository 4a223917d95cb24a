/**
 * The two SLA clocks of a ticket, from its {@link SlaState} and the tenant's {@link SlaPolicy}.
 * First response runs from creation without pauses until the first staff reply (solving stops
 * it, reopening resumes it). Resolution runs only while new or open: pending and on_hold pause
 * it (the customer or a third party has the ball), solved stops it, and a reopen carries on from
 * the business time already used. The current priority's target applies (a change re-targets).
 * @module
 */
import type { Priority } from "@ticketd/shared/events/tickets.ts";
import { addBusinessMs, businessMsBetween } from "./business_time.ts";
import type { BusinessCalendar } from "./calendar.ts";
import type { SlaPolicy, SlaTarget } from "./policy.ts";
import type { SlaState } from "./sla_state.ts";

/** One clock; instants are epoch ms. */
export interface SlaClock {
  /** When the target is or was due; null while a stopped clock has not reached it (it moves). */
  dueAt: number | null;
  /** When the warning share of the target is or was reached. */
  warnAt: number | null;
  /** The due time as it stood when the warning moment came (what a warning announces). */
  warningDueAt: number | null;
  /** When the target was fulfilled: the first staff reply, the solve. */
  metAt: number | null;
  /** When the clock last stopped counting; null while it runs. */
  stoppedAt: number | null;
  /** Business ms of the target left at `stoppedAt` (negative once overdue); null while it runs. */
  remainingMsAtStop: number | null;
}

export interface SlaDeadlines {
  /** The priority whose targets were applied. */
  priority: Priority;
  /** Null when the priority has no target. */
  firstResponse: SlaClock | null;
  resolution: SlaClock | null;
}

const MINUTE = 60_000;

/** Both clocks of the ticket in `state` under `policy`. */
export function slaDeadlines(state: SlaState, policy: SlaPolicy): SlaDeadlines {
  const target = policy.targets[state.priority];
  if (!target) return { priority: state.priority, firstResponse: null, resolution: null };
  return {
    priority: state.priority,
    firstResponse: firstResponseClock(state, target, policy.calendar),
    resolution: resolutionClock(state, target, policy.calendar),
  };
}

/** Business ms of the share `percent` of `targetMs`. */
function warnShare(targetMs: number, percent: number): number {
  return Math.round((targetMs * percent) / 100);
}

function firstResponseClock(
  state: SlaState,
  target: SlaTarget,
  calendar: BusinessCalendar,
): SlaClock {
  const targetMs = target.firstResponseMinutes * MINUTE;
  const dueAt = addBusinessMs(state.createdAt, targetMs, calendar);
  const stoppedAt = state.firstResponseAt ?? state.solvedAt;
  return {
    dueAt,
    warnAt: addBusinessMs(state.createdAt, warnShare(targetMs, target.warnAtPercent), calendar),
    warningDueAt: dueAt,
    metAt: state.firstResponseAt,
    stoppedAt,
    remainingMsAtStop: stoppedAt === null
      ? null
      : targetMs - businessMsBetween(state.createdAt, stoppedAt, calendar),
  };
}

function resolutionClock(state: SlaState, target: SlaTarget, calendar: BusinessCalendar): SlaClock {
  const targetMs = target.resolutionMinutes * MINUTE;
  const warnMs = warnShare(targetMs, target.warnAtPercent);
  const clock: SlaClock = {
    dueAt: null,
    warnAt: null,
    warningDueAt: null,
    metAt: state.solvedAt,
    stoppedAt: null,
    remainingMsAtStop: null,
  };
  let used = 0;
  for (let i = 0; i < state.runs.length; i += 2) {
    used += stretch(clock, state.runs[i], state.runs[i + 1], used, targetMs, warnMs, calendar);
  }
  if (state.runningSince !== null) {
    stretch(clock, state.runningSince, Infinity, used, targetMs, warnMs, calendar);
  } else {
    clock.stoppedAt = state.runs.length ? state.runs[state.runs.length - 1] : state.createdAt;
    clock.remainingMsAtStop = targetMs - used;
  }
  return clock;
}

/** Places the warning and due moments that fall in [start, end); returns the business ms used. */
function stretch(
  clock: SlaClock,
  start: number,
  end: number,
  used: number,
  targetMs: number,
  warnMs: number,
  calendar: BusinessCalendar,
): number {
  const length = end === Infinity ? Infinity : businessMsBetween(start, end, calendar);
  if (clock.warnAt === null && warnMs - used < length) {
    clock.warnAt = addBusinessMs(start, warnMs - used, calendar);
    clock.warningDueAt = addBusinessMs(clock.warnAt, targetMs - warnMs, calendar);
  }
  if (clock.dueAt === null && targetMs - used < length) {
    clock.dueAt = addBusinessMs(start, targetMs - used, calendar);
  }
  return length;
}
