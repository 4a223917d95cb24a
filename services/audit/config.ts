/**
 * The audit service's settings, read once from the environment. Connections, profiles and token
 * checks are the tickets service's (audit runs beside it, `deno task start`); these are audit's
 * own knobs, each a named setting with a default.
 * @module
 */
import { intSettings, textSettings } from "@ticketd/shared/runtime/env_settings.ts";
import { type ArchiveSettings, loadArchiveSettings } from "./archive/settings.ts";

export class AuditConfigError extends Error {
  override name = "AuditConfigError";
}

export interface AuditConfig {
  host: string;
  port: number;
  /** Most source messages written in one transaction. */
  batchSize: number;
  /** A tenant's checkpoint is signed after this many new entries... */
  checkpointEveryEntries: number;
  /** ...or after this long, when it has any. */
  checkpointEveryMs: number;
  /** A warning is logged when a stream's lag stays above this many messages... */
  lagWarnMessages: number;
  /** ...for longer than this. */
  lagWarnMs: number;
  /** How often the lag is measured. */
  lagCheckMs: number;
  /** The keys file; empty: `<data dir>/audit-keys.json`, made at first start. */
  keysFile: string;
  defaultPageSize: number;
  maxPageSize: number;
  /** Segments in S3 and the hot retention (archive/settings.ts). */
  archive: ArchiveSettings;
}

/** Reads `TICKETD_AUDIT_*` from `env`; throws {@link AuditConfigError} naming the setting. */
export function loadAuditConfig(env: Record<string, string | undefined>): AuditConfig {
  const int = intSettings(env, (message) => new AuditConfigError(message));
  const text = textSettings(env);
  const maxPageSize = int("TICKETD_AUDIT_MAX_PAGE_SIZE", 500, 1, 10_000);
  return {
    host: text("TICKETD_AUDIT_HOST") ?? text("TICKETD_HOST", "127.0.0.1"),
    port: int("TICKETD_AUDIT_PORT", 8085, 0, 65_535),
    batchSize: int("TICKETD_AUDIT_BATCH", 1_000, 1, 10_000),
    checkpointEveryEntries: int("TICKETD_AUDIT_CHECKPOINT_ENTRIES", 10_000, 1),
    checkpointEveryMs: int("TICKETD_AUDIT_CHECKPOINT_SECONDS", 60, 1, 86_400) * 1000,
    lagWarnMessages: int("TICKETD_AUDIT_LAG_WARN_MESSAGES", 10_000, 0),
    lagWarnMs: int("TICKETD_AUDIT_LAG_WARN_SECONDS", 60, 1, 86_400) * 1000,
    lagCheckMs: int("TICKETD_AUDIT_LAG_CHECK_MS", 5_000, 100, 3_600_000),
    keysFile: text("TICKETD_AUDIT_KEYS_FILE", ""),
    defaultPageSize: Math.min(50, maxPageSize),
    maxPageSize,
    archive: loadArchiveSettings(env, int),
  };
}
