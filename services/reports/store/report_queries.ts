/**
 * Reads of the report tables for one tenant and a UTC window of slots: counters summed per local
 * date in the tenant's zone (PostgreSQL's `at time zone`, DST-correct; and per agent or group
 * when the report is broken down), histogram counts likewise, and the backlog deltas before the
 * window. Only the aggregate tables: never the live ticket tables.
 * @module
 */
import type { Sql } from "postgres";
import type { DurationSums, SlotSums } from "../domain/rollup.ts";
import { type Counter, COUNTERS, type DurationMetric } from "../domain/slots.ts";

export const BREAKDOWNS = ["none", "agent", "group"] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export interface SlotFilter {
  tenant: string;
  agentId: string | null;
  groupId: string | null;
  by: Breakdown;
  /** The window of slots, epoch ms: `from` included, `until` not. */
  from: number;
  until: number;
  /** The IANA zone whose local dates the sums are per. */
  timeZone: string;
}

type SumRow = { day: string; dim: string } & Record<Counter, string>;

/** Counters per local date (and dim) of the slots inside the window. */
export async function slotSums(sql: Sql, filter: SlotFilter): Promise<SlotSums[]> {
  const rows = await sql<SumRow[]>`
    select ${localDay(sql, filter)} as day, ${dimOf(sql, filter.by)} as dim,
      sum(created) as created, sum(solved) as solved, sum(reopened) as reopened,
      sum(backlog_delta) as backlog_delta, sum(first_response_count) as first_response_count,
      sum(first_response_seconds) as first_response_seconds,
      sum(resolution_count) as resolution_count, sum(resolution_seconds) as resolution_seconds,
      sum(sla_attained) as sla_attained, sum(sla_breached) as sla_breached,
      sum(csat_count) as csat_count, sum(csat_sum) as csat_sum, sum(csat_good) as csat_good,
      sum(time_tracked_seconds) as time_tracked_seconds
    from report_slots
    where ${matches(sql, filter)} and slot >= ${new Date(filter.from)}
      and slot < ${new Date(filter.until)}
    group by day, dim`;
  return rows.map((row) => ({
    day: row.day,
    dim: row.dim,
    counts: Object.fromEntries(COUNTERS.map((c) => [c, Number(row[c])])) as Record<Counter, number>,
  }));
}

/** Histogram counts per local date (and dim) of the slots inside the window. */
export async function durationSums(sql: Sql, filter: SlotFilter): Promise<DurationSums[]> {
  const rows = await sql<
    { day: string; dim: string; metric: DurationMetric; le: number; count: string }[]
  >`
    select ${localDay(sql, filter)} as day, ${dimOf(sql, filter.by)} as dim, metric, le,
      sum(count) as count
    from report_durations
    where ${matches(sql, filter)} and slot >= ${new Date(filter.from)}
      and slot < ${new Date(filter.until)}
    group by day, dim, metric, le`;
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

/** The backlog per dim from every slot before the window. */
export async function backlogBefore(sql: Sql, filter: SlotFilter): Promise<Map<string, number>> {
  const rows = await sql<{ dim: string; backlog: string }[]>`
    select ${dimOf(sql, filter.by)} as dim, sum(backlog_delta) as backlog
    from report_slots
    where ${matches(sql, filter)} and slot < ${new Date(filter.from)}
    group by dim`;
  return new Map(rows.map((row) => [row.dim, Number(row.backlog)]));
}

/** The slot's local date in the filter's zone, `YYYY-MM-DD`. */
function localDay(sql: Sql, filter: SlotFilter) {
  return sql`to_char(slot at time zone ${filter.timeZone}, 'YYYY-MM-DD')`;
}

function dimOf(sql: Sql, by: Breakdown) {
  return by === "agent" ? sql`agent_id` : by === "group" ? sql`group_id` : sql`''::text`;
}

function matches(sql: Sql, filter: SlotFilter) {
  const agent = filter.agentId === null ? sql`` : sql`and agent_id = ${filter.agentId}`;
  const group = filter.groupId === null ? sql`` : sql`and group_id = ${filter.groupId}`;
  return sql`tenant = ${filter.tenant} ${agent} ${group}`;
}
