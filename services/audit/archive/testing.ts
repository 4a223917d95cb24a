/**
 * The audit test bed plus a private s3rver holding the archive bucket, for
 * `tests/audit_archive_*_test.ts`: audit instances started with the archive on (the archiver
 * only runs when a test calls `tick()`, unless it sets `TICKETD_AUDIT_ARCHIVE_CHECK_MS`).
 * @module
 */
import { startTestS3, type TestS3 } from "../../attachments/testing/s3.ts";
import { readPublicKeys } from "../signing/audit_keys.ts";
import { AuditStore } from "../store/audit_store.ts";
import { CheckpointStore } from "../store/checkpoint_store.ts";
import { type AuditTestBed, startAuditTestBed } from "../testing.ts";
import { verifyAuditLog } from "../verify_log.ts";
import { SegmentBucket } from "./segment_bucket.ts";
import { SegmentRecords } from "./segment_records.ts";
import { verifyArchive } from "./verify_archive.ts";

export const TEST_ARCHIVE_BUCKET = "audit-archive-test";

export interface ArchiveTestBed extends AuditTestBed {
  s3: TestS3;
  /** The settings that point audit (and the tools) at the bed's s3rver. */
  s3Env: Record<string, string>;
  bucket: SegmentBucket;
  records: SegmentRecords;
  store: AuditStore;
  publicKeys(): ReturnType<typeof readPublicKeys>;
}

async function startArchiveTestBed(): Promise<ArchiveTestBed> {
  const bed = await startAuditTestBed();
  const s3 = await startTestS3();
  const s3Env = {
    TICKETD_S3_ENDPOINT: `http://127.0.0.1:${s3.port}`,
    TICKETD_S3_ACCESS_KEY: s3.accessKey,
    TICKETD_S3_SECRET_KEY: s3.secretKey,
    TICKETD_AUDIT_ARCHIVE_BUCKET: TEST_ARCHIVE_BUCKET,
  };
  const startAudit = bed.startAudit;
  return {
    ...bed,
    s3,
    s3Env,
    bucket: new SegmentBucket({
      endPoint: s3.endPoint,
      port: s3.port,
      useSSL: false,
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
      region: s3.region,
      bucket: TEST_ARCHIVE_BUCKET,
    }),
    records: new SegmentRecords(bed.sql),
    store: new AuditStore(bed.sql),
    startAudit: (env = {}, log) =>
      startAudit({ TICKETD_AUDIT_ARCHIVE_CHECK_MS: "3600000", ...s3Env, ...env }, log),
    publicKeys: () => readPublicKeys(`${bed.dataDir}/audit-keys.json`),
    async stop() {
      await bed.stop();
      await s3.stop();
    },
  };
}

/** Runs `test` on a fresh bed, stopped afterwards whatever happens. */
export async function withArchiveTestBed(test: (bed: ArchiveTestBed) => Promise<void>) {
  const bed = await startArchiveTestBed();
  try {
    await test(bed);
  } finally {
    await bed.stop();
  }
}

/** The first finding of the archive, then the hot table, as `deno task audit:verify` checks them. */
export async function verifyAll(bed: ArchiveTestBed) {
  const publicKeys = await bed.publicKeys();
  const archive = await verifyArchive({ ...bed, publicKeys });
  if (archive.finding) return archive.finding;
  const hot = await verifyAuditLog(
    bed.store,
    new CheckpointStore(bed.sql),
    publicKeys,
    () => {},
    archive.startOf,
  );
  return hot.finding;
}

/**
 * Runs `deno task audit:<tool>` as a subprocess, as an operator would, on `bed`'s nats-server,
 * database, data folder and s3rver (null: with an empty environment).
 */
export async function runAuditTool(bed: ArchiveTestBed | null, tool: string, ...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `services/audit/tools/${tool}.ts`, ...args],
    env: bed
      ? {
        DATABASE_URL: bed.db.url,
        NATS_URL: bed.nats.url,
        TICKETD_DATA_DIR: bed.dataDir,
        ...bed.s3Env,
      }
      : {},
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: text(output.stdout), stderr: text(output.stderr) };
}
