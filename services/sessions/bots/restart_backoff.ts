/**
 * When a plugin process may start again after it ended: the first time at once (a timed-out
 * turn should not cost the next one), then after `restartBackoffMs`, doubling with each further
 * end in a row up to `restartBackoffMaxMs`; an answered turn starts the count again. Pure: the
 * time is passed in.
 * @module
 */

export interface BackoffPolicy {
  restartBackoffMs: number;
  restartBackoffMaxMs: number;
}

export class RestartBackoff {
  #endsInARow = 0;
  #notBefore = 0;

  constructor(private readonly policy: BackoffPolicy) {}

  /** Epoch ms before which no new process is started. */
  get notBefore(): number {
    return this.#notBefore;
  }

  /** Counts a process that ended at `now`. */
  ended(now: number): void {
    this.#endsInARow++;
    if (this.#endsInARow < 2) return;
    const { restartBackoffMs, restartBackoffMaxMs } = this.policy;
    const wait = Math.min(restartBackoffMaxMs, restartBackoffMs * 2 ** (this.#endsInARow - 2));
    this.#notBefore = now + wait;
  }

  succeeded(): void {
    this.#endsInARow = 0;
    this.#notBefore = 0;
  }
}
