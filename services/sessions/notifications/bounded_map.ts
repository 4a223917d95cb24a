/**
 * A map that never holds more than `capacity` entries: reading or writing a key makes it the
 * newest, and a write beyond capacity forgets the least recently used. Memory stays flat however
 * many tickets, alarms or agents go by.
 * @module
 */

/** A least-recently-used map of at most `capacity` entries. */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`A BoundedMap needs a positive whole capacity, not ${capacity}`);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** The value, made the newest; undefined when absent. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key)!;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Stores the value as the newest, forgetting the oldest entry when full. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /** True the first time a key is seen (then remembered), false while it is remembered. */
  firstSight(key: K, value: V): boolean {
    if (this.has(key)) return false;
    this.set(key, value);
    return true;
  }
}
