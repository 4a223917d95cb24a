/**
 * The webhooks service's settings, read once from the environment. Connections, keyring, token
 * checks and profiles are the tickets service's (webhooks runs beside it, `deno task start`);
 * these are its own knobs, each a named setting with a default.
 * @module
 */
import { intSettings, textSettings } from "@ticketd/shared/runtime/env_settings.ts";
import type { DispatchPolicy } from "./dispatch/dispatcher.ts";
import type { EndpointPolicy } from "./domain/endpoint_url.ts";

export class WebhooksConfigError extends Error {
  override name = "WebhooksConfigError";
}

export interface WebhooksConfig {
  host: string;
  port: number;
  /** Dev only: `http://127.0.0.1` endpoints; and private addresses (operators only). */
  endpoints: EndpointPolicy;
  /** Most source messages turned into deliveries in one transaction. */
  batchSize: number;
  dispatch: DispatchPolicy;
  maxSubscriptionsPerTenant: number;
  maxEventTypes: number;
  /** How long a rotated secret still signs beside the new one, by default and at most. */
  secretOverlapMs: number;
  maxSecretOverlapMs: number;
  maxBodyBytes: number;
  defaultPageSize: number;
  maxPageSize: number;
}

/** Reads `TICKETD_WEBHOOKS_*` from `env`; throws {@link WebhooksConfigError} naming the setting. */
export function loadWebhooksConfig(env: Record<string, string | undefined>): WebhooksConfig {
  const int = intSettings(env, (message) => new WebhooksConfigError(message));
  const text = textSettings(env);
  const maxPageSize = int("TICKETD_WEBHOOKS_MAX_PAGE_SIZE", 200, 1, 1_000);
  const flag = (name: string): boolean => {
    const value = env[name] ?? "";
    if (!["", "0", "1"].includes(value)) throw new WebhooksConfigError(`${name} must be 0 or 1`);
    return value === "1";
  };
  return {
    host: text("TICKETD_WEBHOOKS_HOST") ?? text("TICKETD_HOST", "127.0.0.1"),
    port: int("TICKETD_WEBHOOKS_PORT", 8086, 0, 65_535),
    endpoints: {
      allowLoopbackHttp: flag("TICKETD_WEBHOOKS_ALLOW_LOOPBACK_HTTP"),
      allowPrivateAddresses: flag("TICKETD_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES"),
    },
    batchSize: int("TICKETD_WEBHOOKS_BATCH", 500, 1, 10_000),
    dispatch: {
      concurrency: int("TICKETD_WEBHOOKS_CONCURRENCY", 32, 1, 1_000),
      perEndpoint: int("TICKETD_WEBHOOKS_ENDPOINT_CONCURRENCY", 2, 1, 100),
      timeoutMs: int("TICKETD_WEBHOOKS_TIMEOUT_MS", 10_000, 100, 120_000),
      pollMs: int("TICKETD_WEBHOOKS_POLL_MS", 1_000, 10, 60_000),
      sweepMs: int("TICKETD_WEBHOOKS_SWEEP_MS", 10_000, 10, 3_600_000),
      retentionMs: int("TICKETD_WEBHOOKS_RETENTION_SECONDS", 2_592_000, 1, 315_360_000) * 1000,
      retry: {
        baseDelayMs: int("TICKETD_WEBHOOKS_RETRY_BASE_MS", 10_000, 10, 3_600_000),
        maxDelayMs: int("TICKETD_WEBHOOKS_RETRY_MAX_MS", 3_600_000, 10, 86_400_000),
        maxAttempts: int("TICKETD_WEBHOOKS_MAX_ATTEMPTS", 12, 1, 100),
        maxAgeMs: int("TICKETD_WEBHOOKS_MAX_AGE_SECONDS", 259_200, 1, 2_592_000) * 1000,
      },
      breaker: {
        threshold: int("TICKETD_WEBHOOKS_BREAKER_FAILURES", 5, 1, 1_000),
        openMs: int("TICKETD_WEBHOOKS_BREAKER_OPEN_MS", 30_000, 10, 3_600_000),
        maxOpenMs: int("TICKETD_WEBHOOKS_BREAKER_MAX_OPEN_MS", 600_000, 10, 86_400_000),
      },
    },
    maxSubscriptionsPerTenant: int("TICKETD_WEBHOOKS_MAX_PER_TENANT", 50, 1, 10_000),
    maxEventTypes: int("TICKETD_WEBHOOKS_MAX_EVENT_TYPES", 64, 1, 1_000),
    secretOverlapMs: int("TICKETD_WEBHOOKS_SECRET_OVERLAP_SECONDS", 86_400, 0, 2_592_000) * 1000,
    maxSecretOverlapMs: int("TICKETD_WEBHOOKS_MAX_SECRET_OVERLAP_SECONDS", 604_800, 0, 2_592_000) *
      1000,
    maxBodyBytes: int("TICKETD_WEBHOOKS_MAX_BODY_BYTES", 16_384, 256, 1_048_576),
    defaultPageSize: Math.min(50, maxPageSize),
    maxPageSize,
  };
}
