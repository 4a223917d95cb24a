/**
 * The archive's settings (`TICKETD_AUDIT_ARCHIVE_*`, `TICKETD_AUDIT_HOT_RETENTION_DAYS`) and its
 * S3: the attachments service's `TICKETD_S3_*` (read by its reader), in a bucket of its own. No
 * `TICKETD_S3_ENDPOINT`: no archive, and nothing leaves the hot table.
 * @module
 */
import { loadAttachmentsConfig } from "../../attachments/config.ts";
import type { ObjectStoreConfig } from "../../attachments/storage/object_store.ts";
import type { SealPolicy } from "./domain/seal_due.ts";

export interface ArchiveSettings extends SealPolicy {
  /** Null: archiving is off. */
  s3: ObjectStoreConfig | null;
  /** How often the archiver looks for segments due and entries past retention. */
  checkMs: number;
  /** Archived entries stay in PostgreSQL this long after their segment was uploaded. */
  hotRetentionMs: number;
}

type IntSetting = (name: string, fallback: number, min?: number, max?: number) => number;

/** The archive settings of `env`; `int` reads (and range-checks) a whole-number setting. */
export function loadArchiveSettings(
  env: Record<string, string | undefined>,
  int: IntSetting,
): ArchiveSettings {
  const s3Env = Object.fromEntries(
    Object.entries(env).filter(([name]) =>
      name.startsWith("TICKETD_S3_") || name === "TICKETD_TLS_CA_FILE" || name === "DENO_CERT"
    ),
  );
  const s3 = loadAttachmentsConfig(s3Env).s3;
  return {
    s3: s3 && { ...s3, bucket: env.TICKETD_AUDIT_ARCHIVE_BUCKET || "ticketd-audit" },
    entriesPerSegment: int("TICKETD_AUDIT_ARCHIVE_ENTRIES", 10_000, 1, 100_000),
    maxAgeMs: int("TICKETD_AUDIT_ARCHIVE_MAX_AGE_SECONDS", 3_600, 1, 30 * 86_400) * 1000,
    checkMs: int("TICKETD_AUDIT_ARCHIVE_CHECK_MS", 10_000, 50, 3_600_000),
    hotRetentionMs: int("TICKETD_AUDIT_HOT_RETENTION_DAYS", 90, 0, 36_500) * 86_400_000,
  };
}
