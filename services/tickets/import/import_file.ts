/**
 * `importFile(options)`: one CSV or JSONL file into the tickets API, through `POST /v1/tickets`,
 * resumable and idempotent. The CLI (`main.ts`) and the journey tests call this.
 * @module
 */
import { loadConfig } from "../config.ts";
import type { HttpLimits } from "../http/schemas.ts";
import { ticketsClient } from "./client.ts";
import {
  type ColumnMap,
  columnMapping,
  datasetName,
  missingColumns,
  valueTables,
} from "./column_map.ts";
import { dryRun } from "./dry_run.ts";
import { openJournal } from "./journal.ts";
import { detectMapping } from "./mappings.ts";
import type { Mapping } from "./request.ts";
import { type ProgressReporter, stderrProgress } from "./progress.ts";
import { countRows, formatOf, readRows, type SourceFormat } from "./readers.ts";
import { sendRows } from "./send_rows.ts";
import { tokenTenant } from "./target.ts";
import { emptySummary, finish, type ImportSummary } from "./summary.ts";

export type { ImportSummary };

export interface ImportOptions {
  file: string;
  /** The tickets service, e.g. `http://127.0.0.1:8080` (not needed for a dry run). */
  url?: string;
  /** A bearer token; admin, since imports set `status` and `createdAt`. */
  token?: string;
  /** The token decides where tickets go; this names the checkpoint only for a token without a
   * tenant claim. Default "demo". */
  tenant?: string;
  /** Checkpoints go to `<dataDir>/import/`. Default: `TICKETD_DATA_DIR` or "data". */
  dataDir?: string;
  format?: SourceFormat;
  /** Column mapping for unknown files; known data sets are detected without one. */
  map?: ColumnMap;
  /** External ids are `<dataset>:<id>`; default: the file name, or the known data set's. */
  dataset?: string;
  priorityMap?: string;
  statusMap?: string;
  /** Requests in flight at once (default 16). */
  concurrency?: number;
  /** Only the first `limit` rows of the file. */
  limit?: number;
  /** Map and validate only; nothing is sent and no checkpoint is written. */
  dryRun?: boolean;
  /** Ignore an existing checkpoint. */
  restart?: boolean;
  /** Default: the service's limits for this environment (`loadConfig`). */
  limits?: HttpLimits & { maxTags: number };
  /** Aborting stops sending; rows in flight finish and the checkpoint is saved. */
  signal?: AbortSignal;
  /** True: a progress bar on stderr. Default: none. */
  progress?: boolean | ProgressReporter;
  fetch?: typeof fetch;
}

/** Imports `options.file`; never throws for a row, only for unusable options or files. */
export async function importFile(options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const config = loadConfig(Deno.env.toObject());
  const limits = options.limits ?? { ...config.limits, maxTags: config.maxTags };
  const format = options.format ?? formatOf(options.file);
  const mapping = await chooseMapping(options, format);
  const total = Math.min(await countRows(options.file, format), options.limit ?? Infinity);
  const summary = emptySummary(options.file, mapping.dataset, total, options.dryRun ?? false);
  const rows = readRows(options.file, format);
  if (options.dryRun) {
    return finish(summary, await dryRun(rows, total, mapping, limits), started, 0);
  }
  if (!options.url || !options.token) throw new Error("importFile needs url and token");
  const journal = await openJournal({
    dataDir: options.dataDir ?? config.dataDir,
    checkpoint: {
      file: await Deno.realPath(options.file),
      dataset: mapping.dataset,
      tenant: tokenTenant(options.token) ?? options.tenant ?? "demo",
      url: options.url,
      total,
    },
    mapping: JSON.stringify([options.map, options.priorityMap, options.statusMap]),
    restart: options.restart,
  });
  const progress = options.progress === true ? stderrProgress() : options.progress || undefined;
  const sent = await sendRows({
    rows,
    total,
    mapping,
    limits,
    client: ticketsClient({ url: options.url, token: options.token, fetch: options.fetch }),
    journal,
    concurrency: options.concurrency ?? 16,
    signal: options.signal,
    progress,
    label: options.file.split(/[\\/]/).pop()!,
  });
  progress?.stop();
  summary.checkpointFile = journal.paths.checkpoint;
  summary.rejectsFile = journal.paths.rejects;
  summary.skipped = journal.start;
  const outcome = sent.error ? "failed" : sent.unfinished > 0 ? "interrupted" : "completed";
  return finish({ ...summary, outcome }, sent, started, journal.start);
}

/** Imports several files in turn with the same options; stops after one that did not complete. */
export async function importFiles(
  files: string[],
  options: Omit<ImportOptions, "file">,
): Promise<ImportSummary[]> {
  const summaries: ImportSummary[] = [];
  for (const file of files) {
    const summary = await importFile({ ...options, file });
    summaries.push(summary);
    if (summary.outcome !== "completed") break;
  }
  return summaries;
}

async function chooseMapping(options: ImportOptions, format: SourceFormat): Promise<Mapping> {
  const first = await firstRecord(options.file, format);
  const tables = valueTables(options.priorityMap, options.statusMap);
  if (options.map) {
    const missing = missingColumns(options.map, first ?? {});
    if (missing.length > 0) {
      const has = Object.keys(first ?? {}).join(", ");
      throw new Error(`${options.file} has no column ${missing.join(", ")} (it has: ${has})`);
    }
    return columnMapping(options.dataset ?? datasetName(options.file), options.map, tables);
  }
  const known = first && detectMapping(first, tables, options.dataset);
  if (!known) {
    throw new Error(
      `${options.file} is not a known data set; describe its columns with ` +
        `--map subject=...,body=...,id=... (fields: ${Object.keys(first ?? {}).join(", ")})`,
    );
  }
  return known;
}

async function firstRecord(file: string, format: SourceFormat) {
  for await (const row of readRows(file, format)) if (row.record) return row.record;
  return undefined;
}
