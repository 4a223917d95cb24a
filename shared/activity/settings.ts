/**
 * The settings of the ACTIVITY stream and of recording into it, read the same way by every
 * service's `loadConfig` (they all ensure the same stream, so they must agree).
 * @module
 */

export interface ActivitySettings {
  /** `TICKETD_ACTIVITY_MAX_AGE_DAYS`: how long facts are kept; 0 (the default) keeps them forever. */
  maxAgeDays: number;
  /** `TICKETD_ACTIVITY_DUPLICATE_WINDOW_SECONDS`: a retried publish within it is stored once. */
  duplicateWindowSeconds: number;
  /** `TICKETD_ACTIVITY_PUBLISH_ATTEMPTS`: tries per fact before giving up. */
  publishAttempts: number;
  /** `TICKETD_ACTIVITY_ACK_TIMEOUT_MS`: how long one try waits for JetStream's ack. */
  ackTimeoutMs: number;
  /** `TICKETD_ACTIVITY_RETRY_DELAY_MS`: the pause before the second try, doubled after. */
  retryDelayMs: number;
  /** `TICKETD_ACTIVITY_OUTBOX_INTERVAL_MS`: how often identity publishes the tools' outbox. */
  outboxIntervalMs: number;
}

type IntSetting = (name: string, fallback: number, min?: number, max?: number) => number;

/** The activity settings, read with the service's own `intSettings` reader. */
export function activitySettings(int: IntSetting): ActivitySettings {
  return {
    maxAgeDays: int("TICKETD_ACTIVITY_MAX_AGE_DAYS", 0, 0, 365_000),
    duplicateWindowSeconds: int("TICKETD_ACTIVITY_DUPLICATE_WINDOW_SECONDS", 600, 1, 86_400),
    publishAttempts: int("TICKETD_ACTIVITY_PUBLISH_ATTEMPTS", 3, 1, 20),
    ackTimeoutMs: int("TICKETD_ACTIVITY_ACK_TIMEOUT_MS", 2_000, 10, 60_000),
    retryDelayMs: int("TICKETD_ACTIVITY_RETRY_DELAY_MS", 50, 0, 10_000),
    outboxIntervalMs: int("TICKETD_ACTIVITY_OUTBOX_INTERVAL_MS", 1_000, 50, 3_600_000),
  };
}
