/**
 * The import summary as text for people: counts first, then what mapping changed, what the API
 * refused, and where the checkpoint and rejects are.
 * @module
 */
import type { ImportSummary } from "./summary.ts";

/** A few lines describing `summary`. */
export function formatSummary(summary: ImportSummary): string {
  const s = summary;
  const head = s.dryRun
    ? `${s.file} (${s.dataset}), dry run: ${s.total} rows, ${s.valid} valid, ${s.rejected} refused`
    : `${s.file} (${s.dataset}): ${s.outcome}, ${s.total} rows: ${s.created} created, ` +
      `${s.present} already present, ${s.rejected} rejected` +
      (s.skipped > 0 ? `, ${s.skipped} skipped (done before, per checkpoint)` : "") +
      (s.unfinished > 0 ? `, ${s.unfinished} unfinished` : "");
  const lines = [head, `  ${(s.elapsedMs / 1000).toFixed(1)} s, ${s.rowsPerSecond} rows/s`];
  if (s.error) lines.push(`  error: ${s.error}`);
  if (Object.keys(s.changes).length > 0) lines.push(`  mapping changed: ${table(s.changes)}`);
  if (s.rejected > 0) {
    lines.push(`  rejected: ${table(s.rejectCodes)}`);
    if (s.rejectsFile) lines.push(`  rejects: ${s.rejectsFile}`);
  }
  if (s.checkpointFile) lines.push(`  checkpoint: ${s.checkpointFile}`);
  if (s.unfinished > 0 && !s.dryRun) lines.push("  run the same command again to resume");
  for (const sample of s.samples) lines.push(`  sample: ${JSON.stringify(abridged(sample))}`);
  return lines.join("\n");
}

function table(counts: Record<string, number>): string {
  return Object.entries(counts).sort(([, a], [, b]) => b - a).map(([k, n]) => `${k} ${n}`)
    .join(", ");
}

function abridged(request: ImportSummary["samples"][number]) {
  const body = [...request.body];
  return { ...request, body: body.length > 120 ? body.slice(0, 120).join("") + "…" : request.body };
}
