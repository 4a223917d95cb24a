/**
 * Local wall time to UTC in an IANA zone, with the two DST cases made explicit: a wall time in a
 * spring-forward gap does not exist, one in a fall-back overlap exists twice.
 * @module
 */
import { offsetMinutes } from "../local_time.ts";

/** A local wall time to the minute; `minute` may run to 1440 (24:00 = next midnight). */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** What a wall time is in UTC: one instant, none (a gap), or two (an overlap). */
export type ResolvedLocalTime =
  | { kind: "unique"; at: number }
  /** `at` is the end of the gap: the first instant whose wall clock reads later than the time. */
  | { kind: "gap"; at: number; skippedMinutes: number }
  | { kind: "overlap"; earlier: number; later: number };

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Every reading of `local` in `timeZone`, classified (see {@link ResolvedLocalTime}). */
export function resolveLocalTime(local: LocalTime, timeZone: string): ResolvedLocalTime {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // The real instant lies within ±14 h of the wall time; a day either side brackets any change.
  const before = offsetMinutes(wall - DAY, timeZone);
  const after = offsetMinutes(wall + DAY, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset * MINUTE)
    .filter((at) => wall - offsetMinutes(at, timeZone) * MINUTE === at)
    .sort((a, b) => a - b);
  if (candidates.length === 2) {
    return { kind: "overlap", earlier: candidates[0], later: candidates[1] };
  }
  if (candidates.length === 1) return { kind: "unique", at: candidates[0] };
  return {
    kind: "gap",
    at: changeInstant(wall - after * MINUTE, wall - before * MINUTE, after, timeZone),
    skippedMinutes: after - before,
  };
}

/**
 * The first instant at which the wall clock in `timeZone` reads `local` or later: in a gap
 * (America/New_York 2026-03-08 02:30) the instant the clock jumps (03:00 EDT = 07:00Z); in an
 * overlap (01:30 on 2026-11-01) the earlier reading (01:30 EDT = 05:30Z). So business hours open
 * and close with the wall clock, and an interval's length is the real time between its ends.
 */
export function localToUtc(local: LocalTime, timeZone: string): number {
  const resolved = resolveLocalTime(local, timeZone);
  return resolved.kind === "overlap" ? resolved.earlier : resolved.at;
}

/** The first minute in [lo, hi] whose offset is `offset` (the zone's change), by bisection. */
function changeInstant(lo: number, hi: number, offset: number, timeZone: string): number {
  let low = Math.floor(lo / MINUTE);
  let high = Math.ceil(hi / MINUTE);
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (offsetMinutes(mid * MINUTE, timeZone) === offset) high = mid;
    else low = mid + 1;
  }
  return low * MINUTE;
}
