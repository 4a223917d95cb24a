/**
 * 64-bit snowflake ids: 41 bits of milliseconds since {@link SNOWFLAKE_EPOCH_MS}, 10 bits of
 * worker id, 12 bits of sequence. Carried as decimal strings in JSON.
 * @module
 */

/** 2024-01-01T00:00:00Z; 41 bits of milliseconds last until 2093. */
export const SNOWFLAKE_EPOCH_MS = 1_704_067_200_000;
export const MAX_WORKER_ID = 1023;
const MAX_SEQUENCE = 4095;

/** Makes ids for one worker; `now` is injected so tests can move the clock backwards. */
export class SnowflakeGenerator {
  #lastMs = -1;
  #sequence = 0;

  constructor(readonly workerId: number, private readonly now: () => number = Date.now) {
    if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
      throw new RangeError(`Worker id must be an integer in 0..${MAX_WORKER_ID}, got ${workerId}`);
    }
  }

  /** The next id as a decimal string; strictly increasing even if the wall clock steps back. */
  next(): string {
    // A clock that steps back is ignored: we keep counting on the last millisecond we issued,
    // borrowing the next millisecond when its sequence runs out. Ids stay unique and ordered.
    const ms = Math.max(this.now() - SNOWFLAKE_EPOCH_MS, this.#lastMs);
    if (ms === this.#lastMs) {
      this.#sequence += 1;
      if (this.#sequence > MAX_SEQUENCE) {
        this.#lastMs += 1;
        this.#sequence = 0;
      }
    } else {
      this.#lastMs = ms;
      this.#sequence = 0;
    }
    const id = (BigInt(this.#lastMs) << 22n) | (BigInt(this.workerId) << 12n) |
      BigInt(this.#sequence);
    return id.toString();
  }
}

/** The parts of a snowflake id, for debugging and for tests. */
export function parseSnowflake(id: string): { ms: number; workerId: number; sequence: number } {
  const n = BigInt(id);
  return {
    ms: Number(n >> 22n) + SNOWFLAKE_EPOCH_MS,
    workerId: Number((n >> 12n) & 1023n),
    sequence: Number(n & 4095n),
  };
}

/** True for a canonical decimal snowflake (no sign, no leading zeros, fits in 63 bits). */
export function isSnowflake(value: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(value) && BigInt(value) < 2n ** 63n;
}
