/**
 * Deadlines for many keys behind one timer. Every heartbeat gets the same lifetime, so a key
 * refreshed later also expires later: re-inserting it at the back of an insertion-ordered Map
 * keeps the Map sorted by deadline, and the next expiry is always its first entry.
 * @module
 */

/** Called with each key whose deadline has passed, in deadline order. */
export type ExpiryListener = (key: string, deadline: number) => void;

/**
 * Keys with deadlines (epoch ms) and one timer set for the earliest. A deadline set out of
 * order (earlier than one already queued) still expires, at worst when the one ahead of it does.
 */
export class ExpiryQueue {
  readonly #deadlines = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #stopped = false;

  constructor(
    private readonly onExpire: ExpiryListener,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many keys are waiting to expire. */
  get size(): number {
    return this.#deadlines.size;
  }

  /** Sets (or moves) the deadline of `key`. */
  set(key: string, deadline: number): void {
    if (this.#stopped) return;
    this.#deadlines.delete(key); // re-inserted at the back, where the latest deadlines are
    this.#deadlines.set(key, deadline);
    this.#schedule();
  }

  /** Forgets `key`; its deadline will not fire. */
  delete(key: string): void {
    this.#deadlines.delete(key);
    // The timer is left as is: firing early for a removed head finds nothing and re-arms.
    if (this.#deadlines.size === 0) this.#clearTimer();
  }

  /** Clears the timer and every deadline; nothing fires after this. */
  stop(): void {
    this.#stopped = true;
    this.#deadlines.clear();
    this.#clearTimer();
  }

  #schedule(): void {
    const head = this.#deadlines.values().next();
    if (head.done) return this.#clearTimer();
    // An armed timer that fires no later than the head is kept: it re-arms itself when it fires.
    if (this.#timer !== undefined && this.#timerAt <= head.value) return;
    this.#clearTimer();
    this.#timerAt = head.value;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, head.value - this.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = this.now();
    for (const [key, deadline] of this.#deadlines) {
      if (deadline > now) break;
      this.#deadlines.delete(key);
      this.onExpire(key, deadline);
      if (this.#stopped) return;
    }
    this.#schedule();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }
}
