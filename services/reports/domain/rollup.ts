/**
 * Sums the tenant's local days (slots already summed per local date) into days, weeks or months
 * (optionally per agent or group): counts, backlog at the end of each period, averages and percentiles from the
 * histogram, SLA attainment, CSAT. Pure; the slots come from `store/report_queries.ts`.
 * @module
 */
import { type Interval, periodStart, periodStarts } from "./periods.ts";
import { type Counter, COUNTERS, type DurationMetric, OVER_LAST_BOUND } from "./slots.ts";

/** A local date's counters summed over the dims the filter keeps. */
export interface SlotSums {
  /** The local date in the tenant's zone, `YYYY-MM-DD`. */
  day: string;
  /** The agent or group the breakdown is by; '' without one. */
  dim: string;
  counts: Record<Counter, number>;
}

export interface DurationSums {
  day: string;
  dim: string;
  metric: DurationMetric;
  le: number;
  count: number;
}

export interface RollupInput {
  from: string;
  to: string;
  interval: Interval;
  /** Backlog deltas of every slot before the fetched ones, per dim. */
  backlogBefore: Map<string, number>;
  slots: SlotSums[];
  durations: DurationSums[];
}

export interface DurationStats {
  count: number;
  averageSeconds: number | null;
  p50Seconds: number | null;
  p90Seconds: number | null;
}

export interface PeriodReport {
  period: string;
  dim: string;
  created: number;
  solved: number;
  reopened: number;
  /** Tickets open at the end of the period's last local day. */
  backlog: number;
  firstResponse: DurationStats;
  resolution: DurationStats;
  slaAttained: number;
  slaBreached: number;
  /** Attained share of ended targets, in percent (null: none ended). */
  slaAttainmentPercent: number | null;
  csatCount: number;
  csatAverage: number | null;
  csatGoodPercent: number | null;
  timeTrackedSeconds: number;
}

/** One report row per period (and dim), in order; periods without facts are zeros. */
export function rollup(input: RollupInput): PeriodReport[] {
  const { from, to, interval } = input;
  const backlog = new Map(input.backlogBefore);
  const totals = new Map<string, Record<Counter, number>>();
  const histograms = new Map<string, Map<number, number>>();
  const dims = new Set<string>(input.backlogBefore.keys());
  const periodOf = (date: string) =>
    date < from ? "" : date > to ? null : periodStart(date, interval);
  const backlogByPeriod = new Map<string, number>();
  const backlogAtFrom = new Map(input.backlogBefore);
  for (const row of [...input.slots].sort((a, b) => a.day.localeCompare(b.day))) {
    dims.add(row.dim);
    const period = periodOf(row.day);
    if (period === null) continue;
    backlog.set(row.dim, (backlog.get(row.dim) ?? 0) + row.counts.backlogDelta);
    if (period === "") {
      backlogAtFrom.set(row.dim, backlog.get(row.dim)!); // before `from` locally: backlog only
      continue;
    }
    backlogByPeriod.set(`${period}|${row.dim}`, backlog.get(row.dim)!);
    const sums = totals.get(`${period}|${row.dim}`) ?? zeros();
    for (const counter of COUNTERS) sums[counter] += row.counts[counter];
    totals.set(`${period}|${row.dim}`, sums);
  }
  for (const row of input.durations) {
    const period = periodOf(row.day);
    if (!period) continue;
    const id = `${period}|${row.dim}|${row.metric}`;
    const histogram = histograms.get(id) ?? new Map<number, number>();
    histogram.set(row.le, (histogram.get(row.le) ?? 0) + row.count);
    histograms.set(id, histogram);
  }
  const reports: PeriodReport[] = [];
  for (const dim of [...dims].sort()) {
    let open = backlogAtFrom.get(dim) ?? 0;
    for (const period of periodStarts(from, to, interval)) {
      const id = `${period}|${dim}`;
      open = backlogByPeriod.get(id) ?? open;
      const sums = totals.get(id) ?? zeros();
      reports.push(
        periodReport(period, dim, open, sums, (metric) => histograms.get(`${id}|${metric}`)),
      );
    }
  }
  return reports.sort((a, b) => a.period.localeCompare(b.period) || a.dim.localeCompare(b.dim));
}

function periodReport(
  period: string,
  dim: string,
  backlog: number,
  s: Record<Counter, number>,
  histogram: (metric: DurationMetric) => Map<number, number> | undefined,
): PeriodReport {
  const ended = s.slaAttained + s.slaBreached;
  return {
    period,
    dim,
    created: s.created,
    solved: s.solved,
    reopened: s.reopened,
    backlog,
    firstResponse: stats(s.firstResponseCount, s.firstResponseSeconds, histogram("first_response")),
    resolution: stats(s.resolutionCount, s.resolutionSeconds, histogram("resolution")),
    slaAttained: s.slaAttained,
    slaBreached: s.slaBreached,
    slaAttainmentPercent: ended === 0 ? null : round(100 * s.slaAttained / ended),
    csatCount: s.csatCount,
    csatAverage: s.csatCount === 0 ? null : round(s.csatSum / s.csatCount),
    csatGoodPercent: s.csatCount === 0 ? null : round(100 * s.csatGood / s.csatCount),
    timeTrackedSeconds: s.timeTrackedSeconds,
  };
}

function stats(count: number, seconds: number, histogram?: Map<number, number>): DurationStats {
  if (count === 0) {
    return { count, averageSeconds: null, p50Seconds: null, p90Seconds: null };
  }
  return {
    count,
    averageSeconds: Math.round(seconds / count),
    p50Seconds: percentile(histogram, 0.5),
    p90Seconds: percentile(histogram, 0.9),
  };
}

/** The histogram bound the `q` quantile falls under (null: past the last bound, or no data). */
export function percentile(histogram: Map<number, number> | undefined, q: number): number | null {
  if (!histogram) return null;
  const bounds = [...histogram.keys()].sort((a, b) => a - b);
  const total = bounds.reduce((sum, le) => sum + histogram.get(le)!, 0);
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const le of bounds) {
    seen += histogram.get(le)!;
    if (seen >= rank) return le === OVER_LAST_BOUND ? null : le;
  }
  return null;
}

function zeros(): Record<Counter, number> {
  return Object.fromEntries(COUNTERS.map((counter) => [counter, 0])) as Record<Counter, number>;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
