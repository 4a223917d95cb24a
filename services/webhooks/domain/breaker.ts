/**
 * A circuit breaker per endpoint: after `threshold` failures in a row it opens for `openMs`
 * (its deliveries wait, uncounted, instead of tying up the dispatcher), then lets one trial
 * through (half open): a success closes it, a failure opens it again for twice as long, up to
 * `maxOpenMs`.
 * @module
 */

export interface BreakerPolicy {
  threshold: number;
  openMs: number;
  maxOpenMs: number;
}

export type Breaker =
  | { state: "closed"; failures: number }
  | { state: "open"; until: number; openMs: number }
  | { state: "half_open"; openMs: number };

export const CLOSED: Breaker = { state: "closed", failures: 0 };

/** True when a delivery may be tried at `now` (`half_open` lets one through). */
export function admits(breaker: Breaker, now: number): boolean {
  return breaker.state === "closed" || (breaker.state === "open" && now >= breaker.until);
}

/** Until when `breaker` holds its endpoint's deliveries back at `now` (null: it does not). */
export function heldUntil(breaker: Breaker, now: number): number | null {
  return breaker.state === "open" && breaker.until > now ? breaker.until : null;
}

/** The breaker once a trial starts at `now` (an open breaker past its time turns half open). */
export function trying(breaker: Breaker, now: number): Breaker {
  if (breaker.state === "open" && now >= breaker.until) {
    return { state: "half_open", openMs: breaker.openMs };
  }
  return breaker;
}

/** The breaker after an attempt ended at `now`. */
export function settled(
  policy: BreakerPolicy,
  breaker: Breaker,
  ok: boolean,
  now: number,
): Breaker {
  if (ok) return CLOSED;
  if (breaker.state === "closed") {
    const failures = breaker.failures + 1;
    if (failures < policy.threshold) return { state: "closed", failures };
    return { state: "open", until: now + policy.openMs, openMs: policy.openMs };
  }
  const openMs = breaker.state === "half_open"
    ? Math.min(policy.maxOpenMs, breaker.openMs * 2)
    : breaker.openMs;
  return { state: "open", until: now + openMs, openMs };
}
