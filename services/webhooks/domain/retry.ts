/**
 * What happens after a failed attempt: another one after an exponential back-off with full
 * jitter (`random` in [0, 1) is passed in), or `failed` once the attempts or the age run out.
 * @module
 */

export interface RetryPolicy {
  /** The first back-off; each further attempt doubles it... */
  baseDelayMs: number;
  /** ...up to this. */
  maxDelayMs: number;
  /** Attempts before a delivery is failed (dead-lettered). */
  maxAttempts: number;
  /** Age (since it was queued) after which a delivery is not retried. */
  maxAgeMs: number;
}

export type AfterFailure = { retryAt: number } | { failed: true };

/** The next step after attempt number `attempts` failed at `now` for a delivery queued at `queuedAt`. */
export function afterFailure(
  policy: RetryPolicy,
  attempts: number,
  queuedAt: number,
  now: number,
  random: number,
): AfterFailure {
  if (attempts >= policy.maxAttempts) return { failed: true };
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempts - 1));
  // Half fixed, half jitter: never sooner than half the back-off, and spread out.
  const retryAt = now + Math.round(ceiling / 2 + (ceiling / 2) * random);
  if (retryAt - queuedAt > policy.maxAgeMs) return { failed: true };
  return { retryAt };
}
