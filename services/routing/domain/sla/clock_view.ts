/**
 * A clock as an agent reads it at `now`: due times, whether it was met or breached, and the
 * business minutes left (negative when overdue).
 * @module
 */
import { businessMsBetween } from "./business_time.ts";
import type { BusinessCalendar } from "./calendar.ts";
import type { SlaClock } from "./deadlines.ts";

export interface SlaClockView {
  dueAt: string | null;
  warnAt: string | null;
  metAt: string | null;
  running: boolean;
  met: boolean;
  breached: boolean;
  remainingBusinessMinutes: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `clock` as seen at `now` (epoch ms). */
export function clockView(clock: SlaClock, now: number, calendar: BusinessCalendar): SlaClockView {
  const running = clock.stoppedAt === null;
  const breached = clock.dueAt !== null &&
    (running ? clock.dueAt <= now : clock.dueAt < clock.stoppedAt!);
  const remainingMs = running
    ? businessMsBetween(now, clock.dueAt!, calendar)
    : clock.remainingMsAtStop!;
  return {
    dueAt: iso(clock.dueAt),
    warnAt: iso(clock.warnAt),
    metAt: iso(clock.metAt),
    running,
    met: clock.metAt !== null && !breached,
    breached,
    remainingBusinessMinutes: Math.round(remainingMs / 60_000),
  };
}
