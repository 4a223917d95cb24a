/**
 * Login lockout: `maxFailures` wrong passwords within `lockoutMs` lock the user name for
 * `lockoutMs`. Known and unknown names count alike, so a lock reveals nothing. Pure.
 * @module
 */

export interface LockoutPolicy {
  maxFailures: number;
  lockoutMs: number;
}

export interface LoginFailures {
  failures: number;
  firstFailureAt: Date;
  lockedUntil: Date | null;
}

/** Whole seconds the name stays locked (0: not locked). */
export function lockedForSeconds(state: LoginFailures | null, now: Date): number {
  if (!state?.lockedUntil) return 0;
  const ms = state.lockedUntil.getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/** The state after one more wrong password at `now`. */
export function afterFailure(
  state: LoginFailures | null,
  now: Date,
  policy: LockoutPolicy,
): LoginFailures {
  const stale = !state || now.getTime() - state.firstFailureAt.getTime() >= policy.lockoutMs ||
    (state.lockedUntil !== null && state.lockedUntil.getTime() <= now.getTime());
  const base = stale ? { failures: 0, firstFailureAt: now } : state;
  const failures = base.failures + 1;
  const lockedUntil = failures >= policy.maxFailures
    ? new Date(now.getTime() + policy.lockoutMs)
    : null;
  return { failures, firstFailureAt: base.firstFailureAt, lockedUntil };
}
