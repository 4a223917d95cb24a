/**
 * The archive half of `deno task audit:verify`: every archived segment in the S3 of
 * `TICKETD_S3_*` (or the data folder's private s3rver, archive_s3.ts) is checked
 * (verify_archive.ts) and a summary line printed with its speed.
 * @module
 */
import type { Sql } from "postgres";
import { loadAuditConfig } from "../config.ts";
import { withArchiveS3 } from "./archive_s3.ts";
import type { AuditPublicJwk } from "../signing/audit_keys.ts";
import { AuditStore } from "../store/audit_store.ts";
import { SegmentBucket } from "./segment_bucket.ts";
import { SegmentRecords } from "./segment_records.ts";
import { type ArchiveVerifyReport, verifyArchive } from "./verify_archive.ts";

/** Verifies the archive `env` points at (null: none), against the log in `sql`; prints one line. */
export async function verifyArchiveOf(
  env: Record<string, string | undefined> | null,
  dataDir: string,
  sql: Sql,
  publicKeys: readonly AuditPublicJwk[],
): Promise<Pick<ArchiveVerifyReport, "finding" | "startOf">> {
  if (!env) return { finding: null, startOf: () => undefined };
  const s3 = await withArchiveS3(env, dataDir);
  let report: ArchiveVerifyReport;
  try {
    report = await verifyArchive({
      bucket: new SegmentBucket(loadAuditConfig(s3.env).archive.s3!),
      store: new AuditStore(sql),
      records: new SegmentRecords(sql),
      publicKeys,
    });
  } finally {
    await s3.stop();
  }
  const rate = Math.round(report.entries / Math.max(report.seconds, 0.001));
  console.log(
    `verified ${report.entries} archived entries in ${report.segments} segments of ${report.chains} chains in ${
      report.seconds.toFixed(2)
    } s (${rate} entries/s)`,
  );
  return report;
}
