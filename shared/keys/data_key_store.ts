/**
 * Where wrapped data keys live: beside the event stream, never inside it, so destroying one
 * makes every copy of what it sealed unreadable (the stream, its replicas, its backups). Two
 * kinds of record per tenant: a data key (wrapped under a KEK) and an owner's index of them.
 * @module
 */
import type { DataCipher } from "../crypto/profiles.ts";

/** One data key, as stored: only ever wrapped. */
export interface DataKeyRecord {
  /** The keyed hash of the owner (a customer), never the customer id itself. */
  owner: string;
  cipher: DataCipher;
  /** The KEK that wrapped it; rotation rewrites this and `wrapped`. */
  kek: string;
  /** Base64url of the wrapped key. */
  wrapped: string;
  createdAt: string;
}

/** An owner's data keys; `current` seals new text, the others still open older text. */
export interface OwnerRecord {
  current: { id: string; cipher: DataCipher };
  keys: string[];
}

export interface Versioned<T> {
  record: T;
  revision: number;
}

export interface DataKeyStore {
  getKey(tenant: string, id: string): Promise<Versioned<DataKeyRecord> | null>;
  createKey(tenant: string, id: string, record: DataKeyRecord): Promise<void>;
  /** Replaces a key if still at `revision`; false if it moved on. */
  updateKey(tenant: string, id: string, record: DataKeyRecord, revision: number): Promise<boolean>;
  getOwner(tenant: string, owner: string): Promise<Versioned<OwnerRecord> | null>;
  /** Writes an owner's index if still at `revision` (0: only if absent); false if it moved on. */
  putOwner(tenant: string, owner: string, record: OwnerRecord, revision: number): Promise<boolean>;
  /** Destroys a key beyond recovery (its stored bytes overwritten, not only hidden). */
  destroyKey(tenant: string, id: string): Promise<void>;
  destroyOwner(tenant: string, owner: string): Promise<void>;
  /** Every stored data key, as `{ tenant, id }`. */
  listKeys(): AsyncIterable<{ tenant: string; id: string }>;
  /** True once the KEK `id` was retired (by `deno task keys retire`) anywhere. */
  isKekRetired(id: string): Promise<boolean>;
  /** Calls `onDestroyed` for each key destroyed anywhere, so caches drop it; returns a stop. */
  watchDestroyed(onDestroyed: (tenant: string, id: string) => void): Promise<() => void>;
}

/** A store in memory, for pure tests. */
export class MemoryDataKeyStore implements DataKeyStore {
  readonly #entries = new Map<string, Versioned<unknown>>();
  readonly #listeners = new Set<(tenant: string, id: string) => void>();
  /** KEKs retired, as `keys retire` would record them. */
  readonly retiredKeks = new Set<string>();
  #revision = 0;

  isKekRetired(id: string) {
    return Promise.resolve(this.retiredKeks.has(id));
  }

  getKey(tenant: string, id: string) {
    return Promise.resolve(this.#get<DataKeyRecord>(`dek.${tenant}.${id}`));
  }
  createKey(tenant: string, id: string, record: DataKeyRecord) {
    if (!this.#put(`dek.${tenant}.${id}`, record, 0)) throw new Error(`Key ${id} exists`);
    return Promise.resolve();
  }
  updateKey(tenant: string, id: string, record: DataKeyRecord, revision: number) {
    return Promise.resolve(this.#put(`dek.${tenant}.${id}`, record, revision));
  }
  getOwner(tenant: string, owner: string) {
    return Promise.resolve(this.#get<OwnerRecord>(`owner.${tenant}.${owner}`));
  }
  putOwner(tenant: string, owner: string, record: OwnerRecord, revision: number) {
    return Promise.resolve(this.#put(`owner.${tenant}.${owner}`, record, revision));
  }
  destroyKey(tenant: string, id: string) {
    this.#entries.delete(`dek.${tenant}.${id}`);
    for (const listener of this.#listeners) listener(tenant, id);
    return Promise.resolve();
  }
  destroyOwner(tenant: string, owner: string) {
    this.#entries.delete(`owner.${tenant}.${owner}`);
    return Promise.resolve();
  }
  async *listKeys() {
    for (const key of [...this.#entries.keys()].filter((k) => k.startsWith("dek."))) {
      const [, tenant, id] = key.split(".");
      yield await Promise.resolve({ tenant, id });
    }
  }
  watchDestroyed(onDestroyed: (tenant: string, id: string) => void) {
    this.#listeners.add(onDestroyed);
    return Promise.resolve(() => void this.#listeners.delete(onDestroyed));
  }

  #get<T>(key: string): Versioned<T> | null {
    const entry = this.#entries.get(key);
    return entry ? { record: structuredClone(entry.record) as T, revision: entry.revision } : null;
  }
  #put(key: string, record: unknown, revision: number): boolean {
    if ((this.#entries.get(key)?.revision ?? 0) !== revision) return false;
    this.#entries.set(key, { record: structuredClone(record), revision: ++this.#revision });
    return true;
  }
}
