/**
 * Query parameters read strictly, before any I/O: a parameter given twice, a text value with a
 * NUL or another control character, or a time that is not a real UTC instant is a 400
 * `invalid_parameter` problem naming the parameter, never a database error (a 500) or a
 * silently different answer (`2026-02-30` rolling over to 2 March).
 * @module
 */
import { fail } from "../errors.ts";
import { isPlainValue } from "./text.ts";

/** The years a time parameter may name: PostgreSQL's timestamptz and every real audit fit. */
export const TIME_PARAM_YEARS = { min: 1970, max: 9999 } as const;

// Seconds required, fraction optional (milliseconds or finer), UTC only.
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/** Refuses any parameter of `params` not in `known`, and any given more than once. */
export function checkParamNames(params: URLSearchParams, known: ReadonlySet<string>): void {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (!known.has(name)) {
      fail("unknown_parameter", `Unknown query parameter "${clip(name)}"`, 400, {
        parameter: clip(name),
      });
    }
    if (seen.has(name)) invalidParam(name, "is given more than once");
    seen.add(name);
  }
}

/** A text parameter of 1..`maxChars` UTF-16 units without control characters, or undefined. */
export function plainParam(
  params: URLSearchParams,
  name: string,
  maxChars: number,
): string | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (value.length === 0 || value.length > maxChars || !isPlainValue(value)) {
    invalidParam(name, `must be 1 to ${maxChars} characters without control characters`);
  }
  return value;
}

/**
 * A time parameter such as `2026-01-31T00:00:00Z`: UTC, a date and time that exist (the parsed
 * instant must give back the same fields) and a year in {@link TIME_PARAM_YEARS}.
 */
export function utcTimeParam(params: URLSearchParams, name: string): Date | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  const time = parseStrictUtc(value);
  if (!time) {
    invalidParam(
      name,
      `must be a real ISO 8601 UTC time from ${TIME_PARAM_YEARS.min} to ${TIME_PARAM_YEARS.max}, such as 2026-01-31T00:00:00Z`,
    );
  }
  return time;
}

/** `value` as a strict ISO 8601 UTC instant (see {@link utcTimeParam}), or null. */
export function parseStrictUtc(value: string): Date | null {
  const fields = ISO_UTC.exec(value);
  if (!fields) return null;
  const [year, month, day, hour, minute, second] = fields.slice(1, 7).map(Number);
  if (year < TIME_PARAM_YEARS.min || year > TIME_PARAM_YEARS.max) return null;
  const time = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const roundTrips = time.getUTCFullYear() === year && time.getUTCMonth() === month - 1 &&
    time.getUTCDate() === day && time.getUTCHours() === hour &&
    time.getUTCMinutes() === minute && time.getUTCSeconds() === second;
  if (!roundTrips) return null;
  time.setUTCMilliseconds(Number((fields[7] ?? "0").padEnd(3, "0").slice(0, 3)));
  return time;
}

/** Throws the 400 problem for parameter `name`. */
export function invalidParam(name: string, why = "is malformed"): never {
  fail("invalid_parameter", `Query parameter "${clip(name)}" ${why}`, 400, {
    parameter: clip(name),
  });
}

// A name echoed back is shortened and stripped of control characters: it came from the client.
function clip(name: string): string {
  // deno-lint-ignore no-control-regex -- removing control characters is the point
  return name.slice(0, 64).replace(/[\u0000-\u001F\u007F-\u009F]/g, "?");
}
