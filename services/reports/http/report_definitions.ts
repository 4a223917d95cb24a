/**
 * The reports by name and their columns: one definition serves the JSON rows and the CSV file,
 * so both always say the same. Every column but `period` and the breakdown's id is a number.
 * @module
 */
import type { PeriodReport } from "../domain/rollup.ts";

type Cell = (row: PeriodReport) => number | null;

export const REPORTS: Record<string, Record<string, Cell>> = {
  volumes: {
    created: (r) => r.created,
    solved: (r) => r.solved,
    reopened: (r) => r.reopened,
    backlog: (r) => r.backlog,
  },
  times: {
    first_response_count: (r) => r.firstResponse.count,
    first_response_avg_seconds: (r) => r.firstResponse.averageSeconds,
    first_response_p50_seconds: (r) => r.firstResponse.p50Seconds,
    first_response_p90_seconds: (r) => r.firstResponse.p90Seconds,
    resolution_count: (r) => r.resolution.count,
    resolution_avg_seconds: (r) => r.resolution.averageSeconds,
    resolution_p50_seconds: (r) => r.resolution.p50Seconds,
    resolution_p90_seconds: (r) => r.resolution.p90Seconds,
  },
  sla: {
    sla_attained: (r) => r.slaAttained,
    sla_breached: (r) => r.slaBreached,
    sla_attainment_percent: (r) => r.slaAttainmentPercent,
  },
  csat: {
    csat_responses: (r) => r.csatCount,
    csat_average: (r) => r.csatAverage,
    csat_good_percent: (r) => r.csatGoodPercent,
  },
  time_tracked: { time_tracked_seconds: (r) => r.timeTrackedSeconds },
};

export const REPORT_NAMES = Object.keys(REPORTS);

/** The columns of report `name` broken down `by` (`period`, then `agent` or `group`, then numbers). */
export function reportColumns(name: string, by: "none" | "agent" | "group"): string[] {
  return ["period", ...(by === "none" ? [] : [by]), ...Object.keys(REPORTS[name])];
}

/** One row of report `name` as column -> value. */
export function reportRow(
  name: string,
  by: "none" | "agent" | "group",
  row: PeriodReport,
): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = { period: row.period };
  if (by !== "none") out[by] = row.dim;
  for (const [column, cell] of Object.entries(REPORTS[name])) out[column] = cell(row);
  return out;
}
