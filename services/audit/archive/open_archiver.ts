/**
 * The archive part of the audit service: its tables (migrations/, applied after audit's own) and,
 * when an S3 endpoint is set, the archiver the writer runs while it holds the lease.
 * @module
 */
import type { TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import type { AuditKeys } from "../signing/audit_keys.ts";
import type { AuditStore } from "../store/audit_store.ts";
import { Archiver } from "./archiver.ts";
import { SegmentBucket } from "./segment_bucket.ts";
import type { ArchiveSettings } from "./settings.ts";

export interface OpenArchiverDeps {
  store: AuditStore;
  keys: AuditKeys;
  profiles: TenantProfiles;
  log: Logger;
}

/** Applies the archive's migrations; the archiver, or null when archiving is off. */
export async function openArchiver(
  settings: ArchiveSettings,
  deps: OpenArchiverDeps,
): Promise<Archiver | null> {
  await migrate(deps.store.sql, "audit-archive", new URL("./migrations/", import.meta.url));
  if (!settings.s3) {
    deps.log.warn("no TICKETD_S3_ENDPOINT: the audit log is not archived and stays hot");
    return null;
  }
  return new Archiver({
    ...deps,
    bucket: new SegmentBucket(settings.s3),
    policy: settings,
    checkMs: settings.checkMs,
    hotRetentionMs: settings.hotRetentionMs,
    now: () => new Date(),
  });
}
