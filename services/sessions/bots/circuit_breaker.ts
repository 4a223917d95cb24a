/**
 * Stops calling a plugin that keeps failing: after `failureThreshold` failed turns in a row it
 * is disabled for `cooldownMs`; after that one trial turn decides (a success closes it, a
 * failure disables it again at once). Pure: the time is passed in.
 * @module
 */

export interface BreakerPolicy {
  failureThreshold: number;
  cooldownMs: number;
}

export class CircuitBreaker {
  #failures = 0;
  #disabledUntil = 0;

  constructor(private readonly policy: BreakerPolicy) {}

  /** Whether a turn may be tried at `now` (epoch ms). */
  allows(now: number): boolean {
    return now >= this.#disabledUntil;
  }

  /** Epoch ms until which the plugin is disabled (0 or past: enabled). */
  get disabledUntil(): number {
    return this.#disabledUntil;
  }

  succeeded(): void {
    this.#failures = 0;
    this.#disabledUntil = 0;
  }

  /** Counts a failure at `now`; true when this one disabled the plugin. */
  failed(now: number): boolean {
    this.#failures++;
    if (this.#failures < this.policy.failureThreshold) return false;
    this.#failures = this.policy.failureThreshold - 1; // the trial after the pause decides alone
    this.#disabledUntil = now + this.policy.cooldownMs;
    return true;
  }
}
