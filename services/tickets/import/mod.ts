/**
 * The importer's public surface: import CSV or JSONL files into the tickets API, resumably and
 * idempotently. `main.ts` is the command line over the same functions.
 *
 * @example
 * ```ts
 * import { importFile } from "./mod.ts";
 * const summary = await importFile({ file: "tickets.jsonl", url, token, dataDir: "data" });
 * // summary.created, summary.present (already there), summary.rejected
 * ```
 * @module
 */
export { importFile, importFiles, type ImportOptions } from "./import_file.ts";
export type { ImportSummary } from "./summary.ts";
export { type ColumnMap, parseColumnMap } from "./column_map.ts";
export { formatSummary } from "./report.ts";
export { resolveTarget } from "./target.ts";
