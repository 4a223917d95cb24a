/**
 * Restoring archived entries: a tenant's segments (one stream, or all; a source sequence range,
 * or all) downloaded in order, each judged as verify judges it (signature, digest, rows, and the
 * chain across segments from the first one's signed `prevHash`), then its rows inserted into
 * `audit_entries` of the target (the live schema: put back; or a fresh schema to inspect).
 * Rows already there are left as they are. It stops at the first segment that fails.
 * @module
 */
import type { Sql } from "postgres";
import type { AuditEntry } from "../domain/entry.ts";
import { ChainVerifier, type Finding, type StoredRow } from "../domain/verify_chain.ts";
import type { AuditPublicJwk } from "../signing/audit_keys.ts";
import { chainPrefix } from "./domain/segment.ts";
import { openSegment, type SegmentFinding } from "./read_segment.ts";
import type { SegmentBucket } from "./segment_bucket.ts";

export interface RestoreRequest {
  tenant: string;
  stream?: string;
  fromSeq?: number;
  toSeq?: number;
}

export interface RestoreProgress {
  stream: string;
  segment: number;
  segments: number;
  restored: number;
}

export interface RestoreDeps {
  bucket: SegmentBucket;
  /** Writes to the target schema (by its search path). */
  target: Sql;
  publicKeys: readonly AuditPublicJwk[];
  progress?: (progress: RestoreProgress) => void;
}

export interface RestoreReport {
  segments: number;
  /** Rows inserted. */
  restored: number;
  /** Rows in range already in the target. */
  present: number;
  finding: Finding | SegmentFinding | null;
}

const SEGMENT_KEY = /\/(\d{20})-(\d{20})\.manifest\.json$/;

/** Restores the segments of `request`; see the module comment. */
export async function restoreArchive(
  deps: RestoreDeps,
  request: RestoreRequest,
): Promise<RestoreReport> {
  const fromSeq = request.fromSeq ?? 0;
  const toSeq = request.toSeq ?? Number.MAX_SAFE_INTEGER;
  const prefix = request.stream
    ? chainPrefix(request.tenant, request.stream)
    : `${encodeURIComponent(request.tenant)}/`;
  const byStream = new Map<string, string[]>();
  for (const key of await deps.bucket.list(prefix)) {
    const range = SEGMENT_KEY.exec(key);
    if (!range || Number(range[2]) < fromSeq || Number(range[1]) > toSeq) continue;
    const stream = decodeURIComponent(key.split("/")[1]);
    byStream.set(stream, [...(byStream.get(stream) ?? []), key]);
  }
  const report: RestoreReport = { segments: 0, restored: 0, present: 0, finding: null };
  for (const [stream, keys] of byStream) {
    let verifier: ChainVerifier | null = null;
    for (const [i, key] of keys.entries()) {
      const segment = await openSegment(deps.bucket, key, deps.publicKeys);
      if (!segment.manifest || !segment.rows) return { ...report, finding: segment.problem };
      const { manifest } = segment;
      verifier ??= new ChainVerifier(request.tenant, stream, {
        n: manifest.fromN - 1,
        seq: 0,
        hash: manifest.prevHash,
      });
      for (const row of segment.rows) {
        const finding = verifier.push(row);
        if (finding) return { ...report, finding };
      }
      if (segment.problem) return { ...report, finding: segment.problem };
      const rows = segment.rows.filter((row) => row.seq >= fromSeq && row.seq <= toSeq);
      const inserted = await insertRows(deps.target, rows);
      report.segments++;
      report.restored += inserted;
      report.present += rows.length - inserted;
      deps.progress?.({ stream, segment: i + 1, segments: keys.length, restored: report.restored });
    }
  }
  return report;
}

// 14 columns a row, as the store inserts them: well under PostgreSQL's parameter limit.
const INSERT_CHUNK = 2_000;

async function insertRows(sql: Sql, rows: readonly StoredRow[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK).map((row) => ({
      tenant: row.tenant,
      stream: row.stream,
      n: row.n,
      seq: row.seq,
      at: row.at,
      actorId: row.actorId,
      actorRole: (JSON.parse(row.text) as AuditEntry).actor.role,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      entry: row.text,
      alg: row.alg,
      prevHash: row.prevHash,
      hash: row.hash,
    }));
    const result = await sql`insert into audit_entries ${sql(chunk)} on conflict do nothing`;
    inserted += result.count;
  }
  return inserted;
}
