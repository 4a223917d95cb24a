/**
 * What an import reports: counts, what mapping changed, what was refused, where the checkpoint
 * is, and the measured rate.
 * @module
 */
import { rowsPerSecond } from "./progress.ts";
import type { CreateTicketRequest } from "./request.ts";

/** What sending the rows counted; the summary adds where, how long and how. */
export interface ImportCounts {
  created: number;
  /** Rows the API already had (same external id): answered 200, nothing added. */
  present: number;
  rejected: number;
  /** Rows in scope that this run left unanswered (interrupted or failed). */
  unfinished: number;
  /** Rows per kind of change mapping made (`subject_truncated`, `tag_cleaned`, ...). */
  changes: Record<string, number>;
  rejectCodes: Record<string, number>;
  /** The highest ticket version the API answered; `GET /v1/tickets?min_version=` it to wait
   * until the read model shows every imported row (0 for a dry run). */
  maxVersion: number;
  error?: string;
}

export interface ImportSummary extends ImportCounts {
  file: string;
  dataset: string;
  outcome: "completed" | "interrupted" | "failed";
  dryRun: boolean;
  /** Rows in scope: the file's, or the first `limit`. */
  total: number;
  /** Rows skipped because a checkpoint said they were done. */
  skipped: number;
  /** Dry run: rows that would be accepted. */
  valid: number;
  elapsedMs: number;
  rowsPerSecond: number;
  checkpointFile?: string;
  rejectsFile?: string;
  /** Dry run: the first few mapped requests. */
  samples: CreateTicketRequest[];
}

/** A summary with nothing counted yet. */
export function emptySummary(
  file: string,
  dataset: string,
  total: number,
  dryRun: boolean,
): ImportSummary {
  return {
    file,
    dataset,
    outcome: "completed",
    dryRun,
    total,
    skipped: 0,
    created: 0,
    present: 0,
    rejected: 0,
    valid: 0,
    unfinished: 0,
    elapsedMs: 0,
    rowsPerSecond: 0,
    changes: {},
    rejectCodes: {},
    maxVersion: 0,
    samples: [],
  };
}

/** `summary` with `result` merged in, the elapsed time and the rate. */
export function finish(
  summary: ImportSummary,
  result: Partial<ImportSummary>,
  started: number,
  skipped: number,
): ImportSummary {
  const out = { ...summary, ...result, elapsedMs: Date.now() - started };
  const answered = out.created + out.present + out.rejected + out.valid;
  out.rowsPerSecond = Math.round(rowsPerSecond(answered, out.elapsedMs) * 10) / 10;
  out.skipped = skipped;
  return out;
}
