/**
 * The in-process cache in front of the bucket: a bounded least-recently-used map of states by
 * key, written through on every append. The bucket watcher drops an entry another instance has
 * changed (a newer KV revision); a stale entry that slips through is harmless for appends, whose
 * expected sequence catches it.
 * @module
 */
import type { VersionedState } from "./state_bucket.ts";

/** Most conversation states kept in memory per instance. */
export const DEFAULT_STATE_CACHE_ENTRIES = 10_000;

export class StateCache {
  readonly #entries = new Map<string, VersionedState>();

  constructor(private readonly maxEntries = DEFAULT_STATE_CACHE_ENTRIES) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): VersionedState | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key); // re-insert: the Map's order is the LRU order
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** Keeps `entry` unless a newer one (higher stream sequence) is already cached. */
  set(key: string, entry: VersionedState): void {
    const current = this.#entries.get(key);
    if (current && current.streamSeq > entry.streamSeq) return;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /** Drops the entry if the bucket has moved past it (or deleted it: `revision` = Infinity). */
  invalidate(key: string, revision: number): void {
    const current = this.#entries.get(key);
    if (current && current.revision < revision) this.#entries.delete(key);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
