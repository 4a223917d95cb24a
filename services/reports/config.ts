/**
 * The reports service's settings, read once from the environment. Connections and token checks
 * are the tickets service's (reports runs beside it, `deno task start`); these are its own knobs.
 * @module
 */
import { intSettings, textSettings } from "@ticketd/shared/runtime/env_settings.ts";
import { isTimeZone } from "./domain/periods.ts";

export class ReportsConfigError extends Error {
  override name = "ReportsConfigError";
}

export interface ReportsConfig {
  host: string;
  port: number;
  /** Most stream messages folded in one transaction. */
  batchSize: number;
  /** The longest range one report covers, in days. */
  maxDays: number;
  /** The zone of a tenant without an SLA calendar (routing's calendar names the tenant's zone). */
  defaultTimeZone: string;
}

/** Reads `TICKETD_REPORTS_*` from `env`; throws {@link ReportsConfigError} naming the setting. */
export function loadReportsConfig(env: Record<string, string | undefined>): ReportsConfig {
  const int = intSettings(env, (message) => new ReportsConfigError(message));
  const text = textSettings(env);
  const defaultTimeZone = text("TICKETD_REPORTS_DEFAULT_TIME_ZONE", "UTC");
  if (!isTimeZone(defaultTimeZone)) {
    throw new ReportsConfigError(
      `TICKETD_REPORTS_DEFAULT_TIME_ZONE must be an IANA time zone, got "${defaultTimeZone}"`,
    );
  }
  return {
    host: text("TICKETD_REPORTS_HOST") ?? text("TICKETD_HOST", "127.0.0.1"),
    port: int("TICKETD_REPORTS_PORT", 8089, 0, 65_535),
    batchSize: int("TICKETD_REPORTS_BATCH", 500, 1, 10_000),
    maxDays: int("TICKETD_REPORTS_MAX_DAYS", 400, 1, 3_660),
    defaultTimeZone,
  };
}
