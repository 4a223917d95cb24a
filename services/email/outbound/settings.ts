/**
 * Outbound mail settings from the environment: where the per-tenant senders file and the SMTP
 * secrets file are, and the queue's limits. Parsed once by `services/email/config.ts`.
 * @module
 */
import { intSettings } from "@ticketd/shared/runtime/env_settings.ts";

export class OutboundConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundConfigError";
  }
}

export interface OutboundSettings {
  /** `TICKETD_EMAIL_OUTBOUND_FILE`: the per-tenant senders (JSON); unset turns outbound off. */
  sendersFile: string | null;
  /** `TICKETD_EMAIL_SECRETS_FILE`: passwords by name (JSON), shared with the inbound side. */
  secretsFile: string | null;
  /** Sending attempts before a mail is dead-lettered. */
  maxAttempts: number;
  /** Back-off before the second attempt; doubles each time up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Connection, greeting and socket timeout of one SMTP session. */
  smtpTimeoutMs: number;
  /** Mails sent at the same time by one process. */
  concurrency: number;
  /** How long the CSAT link of a solved notice lasts (`TICKETD_CSAT_SURVEY_DAYS`, as tickets). */
  surveyDays: number;
}

/** Reads `TICKETD_EMAIL_OUTBOUND_*` and `TICKETD_EMAIL_SMTP_TIMEOUT_MS`; throws naming a bad one. */
export function outboundSettings(env: Record<string, string | undefined>): OutboundSettings {
  const int = intSettings(env, (message) => new OutboundConfigError(message));
  const retryBaseMs = int("TICKETD_EMAIL_OUTBOUND_RETRY_BASE_MS", 30_000, 10, 3_600_000);
  const retryMaxMs = int("TICKETD_EMAIL_OUTBOUND_RETRY_MAX_MS", 3_600_000, 10, 86_400_000);
  if (retryMaxMs < retryBaseMs) {
    throw new OutboundConfigError(
      "TICKETD_EMAIL_OUTBOUND_RETRY_MAX_MS must not be below TICKETD_EMAIL_OUTBOUND_RETRY_BASE_MS",
    );
  }
  return {
    sendersFile: env.TICKETD_EMAIL_OUTBOUND_FILE || null,
    secretsFile: env.TICKETD_EMAIL_SECRETS_FILE || null,
    maxAttempts: int("TICKETD_EMAIL_OUTBOUND_MAX_ATTEMPTS", 12, 1, 1_000),
    retryBaseMs,
    retryMaxMs,
    smtpTimeoutMs: int("TICKETD_EMAIL_SMTP_TIMEOUT_MS", 30_000, 100, 600_000),
    concurrency: int("TICKETD_EMAIL_OUTBOUND_CONCURRENCY", 4, 1, 256),
    surveyDays: int("TICKETD_CSAT_SURVEY_DAYS", 14, 1, 365),
  };
}

/** The pause before attempt `attempt + 1` after `attempt` failed (1-based): base * 2^(n-1), capped. */
export function retryDelayMs(settings: OutboundSettings, attempt: number): number {
  return Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.min(attempt - 1, 30));
}
