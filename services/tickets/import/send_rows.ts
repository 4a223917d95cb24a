/**
 * The sending loop: map each row, send at most `concurrency` at once, record answers in the
 * journal, checkpoint every second. On abort or a fatal error it stops reading, waits for the
 * rows in flight, and writes the checkpoint.
 * @module
 */
import type { ImportCounts } from "./summary.ts";
import { createHash } from "node:crypto";
import type { TicketsClient } from "./client.ts";
import type { Journal } from "./journal.ts";
import { type Mapping, MappingError, type MappingLimits } from "./request.ts";
import type { ProgressReporter } from "./progress.ts";
import type { SourceRow } from "./readers.ts";

export interface SendDeps {
  rows: AsyncIterable<SourceRow>;
  total: number;
  mapping: Mapping;
  limits: MappingLimits;
  client: TicketsClient;
  journal: Journal;
  concurrency: number;
  signal?: AbortSignal;
  progress?: ProgressReporter;
  label: string;
  checkpointEveryMs?: number;
}

export type SendResult = ImportCounts;

/** A stable `Idempotency-Key` for an external id (visible ASCII, as the API requires). */
export function idempotencyKey(externalId: string): string {
  return `import-${createHash("sha256").update(externalId).digest("hex").slice(0, 40)}`;
}

/** Sends rows `journal.start..total-1`; resolves when they are answered or the run stopped. */
export async function sendRows(deps: SendDeps): Promise<SendResult> {
  const { journal, total } = deps;
  const result: SendResult = {
    created: 0,
    present: 0,
    rejected: 0,
    unfinished: 0,
    changes: {},
    rejectCodes: {},
    maxVersion: 0,
  };
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  deps.signal?.addEventListener("abort", onAbort, { once: true });
  if (deps.signal?.aborted) stop.abort();
  const inFlight = new Set<Promise<void>>();
  let lastSave = Date.now();
  const report = () =>
    deps.progress?.update({
      label: deps.label,
      done: journal.start + result.created + result.present + result.rejected,
      total,
      startDone: journal.start,
      created: result.created,
      present: result.present,
      rejected: result.rejected,
    });

  const settle = async (row: SourceRow) => {
    try {
      const answered = await sendOne(deps, row, result, stop.signal);
      if (!answered) return;
      journal.finish(row.index);
    } catch (error) {
      result.error ??= (error as Error).message;
      stop.abort();
      return;
    }
    report();
    if (Date.now() - lastSave >= (deps.checkpointEveryMs ?? 1_000)) {
      lastSave = Date.now();
      await journal.flush();
    }
  };

  for await (const row of deps.rows) {
    if (stop.signal.aborted || row.index >= total) break;
    if (row.index < journal.start) continue;
    const task = settle(row).finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= deps.concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await journal.flush();
  deps.signal?.removeEventListener("abort", onAbort);
  report();
  result.unfinished = total - journal.done;
  return result;
}

/** Maps and sends one row; false when it was left unanswered (the run is stopping). */
async function sendOne(
  deps: SendDeps,
  row: SourceRow,
  result: SendResult,
  stop: AbortSignal,
): Promise<boolean> {
  const reject = (status: number | null, code: string, detail: string, id: string) => {
    deps.journal.reject({ row: row.index + 1, line: row.line, id, status, code, detail });
    result.rejected++;
    result.rejectCodes[code] = (result.rejectCodes[code] ?? 0) + 1;
    return true;
  };
  if (!row.record) return reject(null, "malformed_row", row.error ?? "unreadable", "");
  let mapped;
  try {
    mapped = deps.mapping.map(row.record, row.index, deps.limits);
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    return reject(null, error.code, error.message, "");
  }
  const key = idempotencyKey(mapped.request.externalId);
  const outcome = await deps.client.create(mapped.request, key, stop);
  if (outcome.kind === "unfinished") return false;
  for (const change of mapped.changes) result.changes[change] = (result.changes[change] ?? 0) + 1;
  if (outcome.kind === "rejected") {
    return reject(outcome.status, outcome.code, outcome.detail, mapped.id);
  }
  result[outcome.kind]++;
  result.maxVersion = Math.max(result.maxVersion, outcome.version);
  return true;
}
