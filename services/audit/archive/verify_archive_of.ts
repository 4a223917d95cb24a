/**
 * The archive half of `deno task audit:verify`: with `TICKETD_S3_ENDPOINT` set, every archived
 * segment is checked (verify_archive.ts) and a summary line printed with its speed; without it,
 * nothing is archived and the hot table is checked alone.
 * @module
 */
import type { Sql } from "postgres";
import { loadAuditConfig } from "../config.ts";
import type { AuditPublicJwk } from "../signing/audit_keys.ts";
import { AuditStore } from "../store/audit_store.ts";
import { SegmentBucket } from "./segment_bucket.ts";
import { SegmentRecords } from "./segment_records.ts";
import { type ArchiveVerifyReport, verifyArchive } from "./verify_archive.ts";

/** Verifies the archive `env` points at, against the log in `sql`; prints one line. */
export async function verifyArchiveOf(
  env: Record<string, string | undefined>,
  sql: Sql,
  publicKeys: readonly AuditPublicJwk[],
): Promise<Pick<ArchiveVerifyReport, "finding" | "startOf">> {
  const s3 = loadAuditConfig(env).archive.s3;
  if (!s3) return { finding: null, startOf: () => undefined };
  const report = await verifyArchive({
    bucket: new SegmentBucket(s3),
    store: new AuditStore(sql),
    records: new SegmentRecords(sql),
    publicKeys,
  });
  const rate = Math.round(report.entries / Math.max(report.seconds, 0.001));
  console.log(
    `verified ${report.entries} archived entries in ${report.segments} segments of ${report.chains} chains in ${
      report.seconds.toFixed(2)
    } s (${rate} entries/s)`,
  );
  return report;
}
