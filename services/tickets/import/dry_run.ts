/**
 * `--dry-run`: every row mapped and checked against the API's own rules, nothing sent. Counts
 * what would be accepted and refused, and keeps the first few requests to show.
 * @module
 */
import type { HttpLimits } from "../http/schemas.ts";
import { type CreateTicketRequest, type Mapping, MappingError } from "./request.ts";
import type { SourceRow } from "./readers.ts";
import { requestValidator } from "./validate.ts";

export interface DryRunResult {
  valid: number;
  rejected: number;
  changes: Record<string, number>;
  rejectCodes: Record<string, number>;
  samples: CreateTicketRequest[];
}

/** Maps and validates rows `0..total-1`, keeping `sampleCount` requests. */
export async function dryRun(
  rows: AsyncIterable<SourceRow>,
  total: number,
  mapping: Mapping,
  limits: HttpLimits & { maxTags: number },
  sampleCount = 3,
): Promise<DryRunResult> {
  const validate = requestValidator(limits, limits.maxTags);
  const result: DryRunResult = { valid: 0, rejected: 0, changes: {}, rejectCodes: {}, samples: [] };
  const tally = (table: Record<string, number>, key: string) => table[key] = (table[key] ?? 0) + 1;
  for await (const row of rows) {
    if (row.index >= total) break;
    let code: string | undefined;
    try {
      if (!row.record) throw new MappingError("malformed_row", row.error ?? "unreadable");
      const { request, changes } = mapping.map(row.record, row.index, limits);
      changes.forEach((change) => tally(result.changes, change));
      code = validate(request)?.code;
      if (!code && result.samples.length < sampleCount) result.samples.push(request);
    } catch (error) {
      if (!(error instanceof MappingError)) throw error;
      code = error.code;
    }
    if (code) {
      result.rejected++;
      tally(result.rejectCodes, code);
    } else result.valid++;
  }
  return result;
}
