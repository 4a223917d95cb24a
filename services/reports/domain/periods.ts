/**
 * The tenant's calendar, for reports: which local date a UTC instant falls on in an IANA zone
 * (the runtime's `Intl` data, so DST is the zone's own), and the days, ISO weeks (from Monday)
 * and months between two local dates. Dates are `YYYY-MM-DD` strings, compared as text.
 * @module
 */

export const INTERVALS = ["day", "week", "month"] as const;
export type Interval = (typeof INTERVALS)[number];

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local date of the instant `epochMs` in `timeZone`, `YYYY-MM-DD`. */
export function localDate(epochMs: number, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // en-CA writes dates as YYYY-MM-DD.
    formatter = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(epochMs);
}

/** True when the runtime knows `timeZone` as an IANA zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    localDate(0, timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The first date of the period (day, ISO week from Monday, month) holding `date`. */
export function periodStart(date: string, interval: Interval): string {
  if (interval === "day") return date;
  if (interval === "month") return `${date.slice(0, 7)}-01`;
  const epoch = dateEpoch(date);
  const weekday = (new Date(epoch).getUTCDay() + 6) % 7; // Monday = 0
  return isoDate(epoch - weekday * DAY_MS);
}

/** The starts of every period from the one holding `from` to the one holding `to`. */
export function periodStarts(from: string, to: string, interval: Interval): string[] {
  const starts: string[] = [];
  for (let epoch = dateEpoch(from); epoch <= dateEpoch(to); epoch += DAY_MS) {
    const start = periodStart(isoDate(epoch), interval);
    if (starts.at(-1) !== start) starts.push(start);
  }
  return starts;
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateEpoch(to) - dateEpoch(from)) / DAY_MS) + 1;
}

/** Midnight UTC of `date`: a calendar position, not the local midnight. */
export function dateEpoch(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8)));
}

function isoDate(epoch: number): string {
  return new Date(epoch).toISOString().slice(0, 10);
}
