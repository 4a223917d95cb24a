/**
 * Business-time arithmetic on a {@link BusinessCalendar}: adding business minutes to an instant
 * and counting them between two. A business minute is a real minute inside open hours, so an
 * open interval across a DST change is as long as the clock really ran (a 00:00-06:00 window is
 * 5 h on a spring-forward day, 7 h on a fall-back day).
 * @module
 */
import { offsetMinutes } from "../local_time.ts";
import {
  type BusinessCalendar,
  clockMinutes,
  dateDayNumber,
  intervalMinutes,
  WEEKDAYS,
} from "./calendar.ts";
import { localToUtc } from "./local_to_utc.ts";

const MINUTE = 60_000;
const DAY = 86_400_000;
const ZONE_REACH = 14 * 3_600_000; // no zone is more than 14 h from UTC
const MAX_DAYS_SEARCHED = 3_660; // a valid calendar opens every week; this only stops a bug
const MAX_CACHED_DAYS = 4_096;

interface CompiledCalendar {
  timeZone: string;
  /** 24×7 without holidays: business time is real time. */
  trivial: boolean;
  /** Open minutes of each weekday (0 = Sunday) as sorted [start, end) pairs within 0…1440. */
  week: [number, number][][];
  /** Closed minutes by local day number. */
  closed: Map<number, [number, number]>;
  /** Open UTC intervals by local day number, flattened [start, end, …] (a memo). */
  days: Map<number, number[]>;
}

const compiled = new WeakMap<BusinessCalendar, CompiledCalendar>();

/** The instant `minutes` business minutes after `startEpochMs` (the start itself when ≤ 0). */
export function addBusinessMinutes(
  startEpochMs: number,
  minutes: number,
  calendar: BusinessCalendar,
): number {
  return addBusinessMs(startEpochMs, minutes * MINUTE, calendar);
}

/** Business minutes from `a` to `b` (negative when `b` is before `a`). */
export function businessMinutesBetween(a: number, b: number, calendar: BusinessCalendar): number {
  return businessMsBetween(a, b, calendar) / MINUTE;
}

/** {@link addBusinessMinutes} in milliseconds. */
export function addBusinessMs(start: number, ms: number, calendar: BusinessCalendar): number {
  const c = compile(calendar);
  if (ms <= 0) return start;
  if (c.trivial) return start + ms;
  let left = ms;
  const first = Math.floor(start / DAY) - 1;
  for (let day = first; day < first + MAX_DAYS_SEARCHED; day++) {
    const bounds = openIntervals(c, day);
    for (let i = 0; i < bounds.length; i += 2) {
      const from = Math.max(bounds[i], start);
      const length = bounds[i + 1] - from;
      if (length <= 0) continue;
      if (length >= left) return from + left;
      left -= length;
    }
  }
  throw new Error(`Calendar in ${calendar.timeZone} has no open time within ten years`);
}

/** {@link businessMinutesBetween} in milliseconds. */
export function businessMsBetween(a: number, b: number, calendar: BusinessCalendar): number {
  if (b < a) return -businessMsBetween(b, a, calendar);
  const c = compile(calendar);
  if (c.trivial) return b - a;
  let total = 0;
  const last = Math.floor(b / DAY) + 1;
  for (let day = Math.floor(a / DAY) - 1; day <= last; day++) {
    const bounds = openIntervals(c, day);
    for (let i = 0; i < bounds.length; i += 2) {
      total += Math.max(0, Math.min(bounds[i + 1], b) - Math.max(bounds[i], a));
    }
  }
  return total;
}

/** The open UTC intervals of local day `day` (days since 1970-01-01 in the calendar's zone). */
function openIntervals(c: CompiledCalendar, day: number): number[] {
  let bounds = c.days.get(day);
  if (bounds) return bounds;
  const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  const minutes = subtract(c.week[weekday], c.closed.get(day));
  const toUtc = dayClock(c.timeZone, day);
  bounds = [];
  for (const [start, end] of minutes) {
    const from = toUtc(start);
    const to = toUtc(end);
    if (to > from) bounds.push(from, to); // a window wholly inside a DST gap never opens
  }
  if (c.days.size >= MAX_CACHED_DAYS) c.days.clear();
  c.days.set(day, bounds);
  return bounds;
}

/** Minutes of local day `day` to UTC; one offset for the whole day unless the zone changes near it. */
function dayClock(timeZone: string, day: number): (minute: number) => number {
  const midnight = day * DAY;
  const offset = offsetMinutes(midnight - ZONE_REACH, timeZone);
  if (offset === offsetMinutes(midnight + DAY + ZONE_REACH, timeZone)) {
    return (minute) => midnight + (minute - offset) * MINUTE;
  }
  const date = new Date(midnight);
  const [year, month, dayOfMonth] = [
    date.getUTCFullYear(),
    date.getUTCMonth() + 1,
    date.getUTCDate(),
  ];
  return (minute) => localToUtc({ year, month, day: dayOfMonth, hour: 0, minute }, timeZone);
}

function subtract(open: [number, number][], closed?: [number, number]): [number, number][] {
  if (!closed) return open;
  const [cs, ce] = closed;
  const result: [number, number][] = [];
  for (const [s, e] of open) {
    if (s < cs) result.push([s, Math.min(e, cs)]);
    if (e > ce) result.push([Math.max(s, ce), e]);
  }
  return result;
}

/** The calendar in the form the arithmetic walks, memoised per calendar object. */
function compile(calendar: BusinessCalendar): CompiledCalendar {
  let c = compiled.get(calendar);
  if (c) return c;
  const week = weekMinutes(calendar.hours);
  const closed = new Map<number, [number, number]>();
  for (const h of calendar.holidays) {
    closed.set(dateDayNumber(h.date), [
      clockMinutes(h.from ?? "00:00", "Holiday start"),
      clockMinutes(h.to ?? "24:00", "Holiday end"),
    ]);
  }
  const trivial = calendar.hours === "24x7" && closed.size === 0;
  c = { timeZone: calendar.timeZone, trivial, week, closed, days: new Map() };
  compiled.set(calendar, c);
  return c;
}

function weekMinutes(hours: BusinessCalendar["hours"]): [number, number][][] {
  const week: [number, number][][] = [[], [], [], [], [], [], []];
  if (hours === "24x7") return week.map(() => [[0, 1440]]);
  WEEKDAYS.forEach((key, day) => {
    for (const interval of hours[key] ?? []) {
      const [start, end] = intervalMinutes(interval);
      week[day].push([start, Math.min(end, 1440)]);
      if (end > 1440) week[(day + 1) % 7].push([0, end - 1440]); // runs past midnight
    }
  });
  return week.map(merge);
}

function merge(intervals: [number, number][]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const result: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = result[result.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else result.push([s, e]);
  }
  return result;
}
