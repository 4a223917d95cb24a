/**
 * The parameters of `GET /v1/reports/<name>`, read strictly before any query: `from` and `to`
 * (local dates in the tenant's zone, both included; default the last 30 days), `interval`
 * (day, week, month), `by` (none, agent, group), `agent`, `group`.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import { checkParamNames, invalidParam, plainParam } from "@ticketd/shared/http/query_params.ts";
import { dateEpoch, daysBetween, type Interval, INTERVALS, localDate } from "../domain/periods.ts";
import { type Breakdown, BREAKDOWNS } from "../store/report_queries.ts";

export interface ReportQuery {
  from: string;
  to: string;
  interval: Interval;
  by: Breakdown;
  agentId: string | null;
  groupId: string | null;
}

const PARAMS = new Set(["from", "to", "interval", "by", "agent", "group"]);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

/** Parses `params`; `today` is the tenant's local date now. */
export function parseReportQuery(
  params: URLSearchParams,
  today: string,
  maxDays: number,
): ReportQuery {
  checkParamNames(params, PARAMS);
  const to = dateParam(params, "to") ?? today;
  const from = dateParam(params, "from") ??
    new Date(dateEpoch(to) - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  if (from > to) invalidParam("from", "must not be after to");
  if (daysBetween(from, to) > maxDays) {
    fail("range_too_long", `A report covers at most ${maxDays} days`, 400, { maxDays });
  }
  return {
    from,
    to,
    interval: choice(params, "interval", INTERVALS, "day"),
    by: choice(params, "by", BREAKDOWNS, "none"),
    agentId: plainParam(params, "agent", 128) ?? null,
    groupId: plainParam(params, "group", 128) ?? null,
  };
}

/** The tenant's local date at `now`. */
export function today(now: Date, timeZone: string): string {
  return localDate(now.getTime(), timeZone);
}

function dateParam(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  const real = DATE.test(value) &&
    new Date(dateEpoch(value)).toISOString().slice(0, 10) === value &&
    Number(value.slice(0, 4)) >= 1970;
  if (!real) invalidParam(name, "must be a real local date such as 2026-03-29");
  return value;
}

function choice<T extends string>(
  params: URLSearchParams,
  name: string,
  options: readonly T[],
  fallback: T,
): T {
  const value = params.get(name);
  if (value === null) return fallback;
  if (!options.includes(value as T)) invalidParam(name, `must be one of ${options.join(", ")}`);
  return value as T;
}
