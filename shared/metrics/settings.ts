/**
 * The operations settings every service reads in its config.ts: whether `/metrics` is served,
 * how long a scrape-time read may take, how long a readiness check may take.
 * @module
 */
import { intSettings } from "../runtime/env_settings.ts";

export interface OperationsSettings {
  /** `TICKETD_METRICS_ENABLED` (default true): false answers `/metrics` with 404. */
  metricsEnabled: boolean;
  /** `TICKETD_METRICS_COLLECT_TIMEOUT_MS` (default 2000): a slower read is a missing sample. */
  collectTimeoutMs: number;
  /** `TICKETD_READY_CHECK_TIMEOUT_MS` (default 1000): a slower check counts as down. */
  readyCheckTimeoutMs: number;
}

/** Reads the operations settings of `env`; a bad value throws `error(message)`. */
export function loadOperationsSettings(
  env: Record<string, string | undefined>,
  error: (message: string) => Error,
): OperationsSettings {
  const int = intSettings(env, error);
  const enabled = env.TICKETD_METRICS_ENABLED ?? "";
  if (!["", "true", "false"].includes(enabled)) {
    throw error(`TICKETD_METRICS_ENABLED must be true or false, got "${enabled}"`);
  }
  return {
    metricsEnabled: enabled !== "false",
    collectTimeoutMs: int("TICKETD_METRICS_COLLECT_TIMEOUT_MS", 2_000, 10, 60_000),
    readyCheckTimeoutMs: int("TICKETD_READY_CHECK_TIMEOUT_MS", 1_000, 10, 60_000),
  };
}

/** The defaults, for a service whose caller passed no settings. */
export const DEFAULT_OPERATIONS_SETTINGS: OperationsSettings = loadOperationsSettings(
  {},
  (message) => new Error(message),
);
