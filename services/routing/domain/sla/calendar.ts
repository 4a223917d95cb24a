/**
 * A tenant's business calendar: an IANA time zone, weekly business hours (or 24×7) and holidays,
 * validated once into a normal form. Arithmetic on it lives in `business_time.ts`.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import { isTimeZone } from "../local_time.ts";

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `"HH:MM-HH:MM"`; an end at or before the start runs past midnight into the next day. */
export type HoursInterval = string;

/** A closed local date; `from`/`to` (`HH:MM`, `to` may be `24:00`) close only part of it. */
export interface Holiday {
  date: string;
  from?: string;
  to?: string;
  name?: string;
}

export interface BusinessCalendar {
  timeZone: string;
  hours: "24x7" | Partial<Record<Weekday, HoursInterval[]>>;
  holidays: Holiday[];
}

/** The calendar used when a tenant has none: every minute counts, in UTC. */
export const ALWAYS_OPEN: BusinessCalendar = { timeZone: "UTC", hours: "24x7", holidays: [] };

const INTERVAL = /^([01]\d|2[0-3]):([0-5]\d)\s*[-–]\s*([01]\d|2[0-4]):([0-5]\d)$/;
const CLOCK = /^([01]\d|2[0-4]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_HOLIDAYS = 1000;

/** An interval as minutes of the day; `end` > 1440 when it runs into the next day. */
export function intervalMinutes(interval: HoursInterval): [number, number] {
  const m = INTERVAL.exec(interval);
  if (!m || (m[3] === "24" && m[4] !== "00")) {
    fail("invalid_business_hours", `Business hours "${interval}" are not "HH:MM-HH:MM"`);
  }
  const start = Number(m[1]) * 60 + Number(m[2]);
  let end = Number(m[3]) * 60 + Number(m[4]);
  if (end === start) fail("invalid_business_hours", `Business hours "${interval}" are empty`);
  if (end < start) end += 1440;
  return [start, end];
}

/** Minutes of the day of `HH:MM` (0 … 1440). */
export function clockMinutes(clock: string, what: string): number {
  const m = CLOCK.exec(clock);
  if (!m || (m[1] === "24" && m[2] !== "00")) {
    fail("invalid_holiday", `${what} "${clock}" is not a time of day "HH:MM"`);
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Days since 1970-01-01 of a local date `YYYY-MM-DD`, refusing dates that do not exist. */
export function dateDayNumber(date: string): number {
  const m = DATE.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || new Date(ms).toISOString().slice(0, 10) !== date) {
    fail("invalid_holiday", `Holiday date "${date}" is not a calendar date YYYY-MM-DD`);
  }
  return ms / 86_400_000;
}

/** Checks `calendar` (zone, hours, holidays) and returns it; throws a `DomainError` naming the defect. */
export function validateCalendar(calendar: BusinessCalendar): BusinessCalendar {
  if (!isTimeZone(calendar.timeZone)) {
    fail("invalid_time_zone", `"${calendar.timeZone}" is not an IANA time zone`);
  }
  if (calendar.hours !== "24x7") validateWeek(calendar.hours);
  if (calendar.holidays.length > MAX_HOLIDAYS) {
    fail("invalid_holiday", `A calendar holds at most ${MAX_HOLIDAYS} holidays`);
  }
  const seen = new Set<string>();
  for (const holiday of calendar.holidays) {
    dateDayNumber(holiday.date);
    const from = clockMinutes(holiday.from ?? "00:00", "Holiday start");
    const to = clockMinutes(holiday.to ?? "24:00", "Holiday end");
    if (to <= from) fail("invalid_holiday", `Holiday ${holiday.date} ends before it starts`);
    if (seen.has(holiday.date)) fail("invalid_holiday", `Holiday ${holiday.date} is listed twice`);
    seen.add(holiday.date);
  }
  return calendar;
}

function validateWeek(week: Partial<Record<Weekday, HoursInterval[]>>): void {
  const spans: [number, number][] = [];
  for (const [key, intervals] of Object.entries(week)) {
    const day = WEEKDAYS.indexOf(key as Weekday);
    if (day < 0) {
      fail("invalid_business_hours", `"${key}" is not a weekday (${WEEKDAYS.join(", ")})`);
    }
    for (const interval of intervals ?? []) {
      const [start, end] = intervalMinutes(interval);
      spans.push([day * 1440 + start, day * 1440 + end]);
    }
  }
  if (spans.length === 0) fail("invalid_business_hours", "The business hours have no open time");
  // Overlaps are checked round the week, so Saturday night running into Sunday counts too.
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < spans.length; i++) {
    const next = i + 1 < spans.length ? spans[i + 1][0] : spans[0][0] + 7 * 1440;
    if (spans[i][1] > next) {
      fail("invalid_business_hours", `Business hours overlap around ${weekTime(spans[i][1])}`);
    }
  }
}

function weekTime(minuteOfWeek: number): string {
  const m = minuteOfWeek % (7 * 1440);
  const hhmm = `${String(Math.floor((m % 1440) / 60)).padStart(2, "0")}:${
    String(m % 60).padStart(2, "0")
  }`;
  return `${WEEKDAYS[Math.floor(m / 1440)]} ${hhmm}`;
}
