/**
 * Data keys per owner (a customer): everything said on a customer's tickets is sealed with that
 * customer's key, so erasing the customer is destroying their keys. Unwrapped keys are cached in
 * memory (SM2 unwrapping costs about a millisecond); every process drops a key from its cache
 * the moment it is destroyed anywhere.
 * @module
 */
import { createHmac, randomBytes } from "node:crypto";
import { DomainError, fail } from "../errors.ts";
import { decodeBase64, encodeBase64Url } from "../crypto/base64.ts";
import type { Kek, Keyring } from "../crypto/keyring.ts";
import { unwrapDataKey, wrapDataKey } from "../crypto/key_wrap.ts";
import { type DataCipher, type Profile, PROFILES } from "../crypto/profiles.ts";
import type { DataKeyRecord, DataKeyStore, OwnerRecord } from "./data_key_store.ts";

/** An unwrapped data key. */
export interface DataKey {
  id: string;
  cipher: DataCipher;
  key: Uint8Array;
}

export interface DataKeysOptions {
  /** Keys the owner index, so stored key names do not reveal customer ids. */
  ownerIndexKey: Uint8Array;
  /** Most unwrapped keys kept in memory. */
  cacheEntries: number;
  now?: () => Date;
}

export interface RewrapProgress {
  checked: number;
  rewrapped: number;
}

const ID_BYTES = 12;
const OWNER_WRITE_ATTEMPTS = 5;

export class DataKeys {
  readonly #unwrapped = new Map<string, Promise<DataKey>>();
  readonly #creating = new Map<string, Promise<DataKey>>();
  /** Each owner's current key id, per profile: sealing must not ask the store every time. */
  readonly #currentIds = new Map<string, string>();

  constructor(
    private readonly store: DataKeyStore,
    private readonly keyring: Keyring,
    private readonly options: DataKeysOptions,
  ) {}

  /** Starts dropping keys destroyed by any process from this one's cache. */
  watch(): Promise<() => void> {
    return this.store.watchDestroyed((tenant, id) => this.#forget(tenant, id));
  }

  /** The key that seals new text of `ownerId`, made on first use with `profile`'s cipher. */
  forOwner(tenant: string, ownerId: string, profile: Profile): Promise<DataKey> {
    // In memory the owner id itself is the key: the keyed owner reference (an HMAC) names the
    // owner in the store only, and making it for every seal cost two thirds of the sealing.
    const flight = `${tenant}/${ownerId}\0${profile}`;
    const currentId = this.#currentIds.get(flight);
    if (currentId) return this.byId(tenant, currentId);
    const pending = this.#creating.get(flight);
    if (pending) return pending;
    const owner = this.#ownerRef(tenant, ownerId);
    const made = this.#currentOrNew(tenant, owner, profile).then((key) => {
      if (this.#currentIds.size >= this.options.cacheEntries) {
        this.#currentIds.delete(this.#currentIds.keys().next().value!);
      }
      this.#currentIds.set(flight, key.id);
      return key;
    }).finally(() => this.#creating.delete(flight));
    this.#creating.set(flight, made);
    return made;
  }

  /** The key `id` of `tenant`; `content_erased` if it was destroyed. */
  byId(tenant: string, id: string): Promise<DataKey> {
    const cacheKey = `${tenant}/${id}`;
    const hit = this.#unwrapped.get(cacheKey);
    if (hit) {
      this.#unwrapped.delete(cacheKey); // re-insert: the Map's order is the LRU order
      this.#unwrapped.set(cacheKey, hit);
      return hit;
    }
    const loading = this.#load(tenant, id);
    this.#remember(cacheKey, loading);
    loading.catch(() => this.#unwrapped.delete(cacheKey));
    return loading;
  }

  /** Destroys every data key of `ownerId`; returns how many were destroyed. */
  async erase(tenant: string, ownerId: string): Promise<number> {
    const owner = this.#ownerRef(tenant, ownerId);
    const index = await this.store.getOwner(tenant, owner);
    const ids = index?.record.keys ?? [];
    for (const id of ids) {
      await this.store.destroyKey(tenant, id);
      this.#forget(tenant, id);
    }
    if (index) await this.store.destroyOwner(tenant, owner);
    return ids.length;
  }

  /**
   * Re-wraps every data key that is not under its profile's active KEK, without touching what
   * the keys sealed. Afterwards the old KEKs can be retired from the keyring.
   */
  async rewrap(onProgress: (progress: RewrapProgress) => void = () => {}): Promise<RewrapProgress> {
    const progress = { checked: 0, rewrapped: 0 };
    for await (const { tenant, id } of this.store.listKeys()) {
      const stored = await this.store.getKey(tenant, id);
      progress.checked++;
      if (stored) {
        const target = this.#activeKekFor(stored.record.cipher);
        if (stored.record.kek !== target.id) {
          const key = unwrapDataKey(
            this.#kek(stored.record.kek),
            decodeBase64(stored.record.wrapped),
          );
          const record = {
            ...stored.record,
            kek: target.id,
            wrapped: encodeBase64Url(wrapDataKey(target, key)),
          };
          if (await this.store.updateKey(tenant, id, record, stored.revision)) progress.rewrapped++;
        }
      }
      if (progress.checked % 1000 === 0) onProgress({ ...progress });
    }
    onProgress({ ...progress });
    return progress;
  }

  /** How many data keys each KEK wraps, to know when an old KEK can be retired. */
  async usage(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for await (const { tenant, id } of this.store.listKeys()) {
      const stored = await this.store.getKey(tenant, id);
      if (stored) counts[stored.record.kek] = (counts[stored.record.kek] ?? 0) + 1;
    }
    return counts;
  }

  async #currentOrNew(tenant: string, owner: string, profile: Profile): Promise<DataKey> {
    const { cipher } = PROFILES[profile];
    for (let attempt = 0; attempt < OWNER_WRITE_ATTEMPTS; attempt++) {
      const index = await this.store.getOwner(tenant, owner);
      if (index?.record.current.cipher === cipher) {
        return this.byId(tenant, index.record.current.id);
      }
      const made = await this.#newKey(tenant, owner, profile);
      const record: OwnerRecord = {
        current: { id: made.id, cipher },
        keys: [...(index?.record.keys ?? []), made.id],
      };
      if (await this.store.putOwner(tenant, owner, record, index?.revision ?? 0)) {
        this.#remember(`${tenant}/${made.id}`, Promise.resolve(made));
        return made;
      }
      await this.store.destroyKey(tenant, made.id); // another process won the race: use theirs
    }
    fail("data_key_contention", "The customer's data key kept changing; try again", 503);
  }

  async #newKey(tenant: string, owner: string, profile: Profile): Promise<DataKey> {
    const { cipher, keyBytes } = PROFILES[profile];
    const kek = this.#activeKekFor(cipher);
    // A process not yet restarted after a rotation must not wrap under the KEK just retired.
    if (await this.store.isKekRetired(kek.id)) {
      fail(
        "kek_retired",
        `The keyring of this process is out of date (KEK "${kek.id}" was retired); restart it`,
        503,
      );
    }
    const key = new Uint8Array(randomBytes(keyBytes));
    const id = encodeBase64Url(randomBytes(ID_BYTES));
    const record: DataKeyRecord = {
      owner,
      cipher,
      kek: kek.id,
      wrapped: encodeBase64Url(wrapDataKey(kek, key)),
      createdAt: (this.options.now?.() ?? new Date()).toISOString(),
    };
    await this.store.createKey(tenant, id, record);
    return { id, cipher, key };
  }

  async #load(tenant: string, id: string): Promise<DataKey> {
    const stored = await this.store.getKey(tenant, id);
    if (!stored) {
      throw new DomainError("content_erased", "This content was erased: its key is destroyed", 410);
    }
    const { cipher, kek, wrapped } = stored.record;
    return { id, cipher, key: unwrapDataKey(this.#kek(kek), decodeBase64(wrapped)) };
  }

  #forget(tenant: string, id: string): void {
    this.#unwrapped.delete(`${tenant}/${id}`);
    for (const [flight, currentId] of this.#currentIds) {
      if (currentId === id && flight.startsWith(`${tenant}/`)) this.#currentIds.delete(flight);
    }
  }

  #remember(cacheKey: string, key: Promise<DataKey>): void {
    if (this.#unwrapped.size >= this.options.cacheEntries) {
      this.#unwrapped.delete(this.#unwrapped.keys().next().value!);
    }
    this.#unwrapped.set(cacheKey, key);
  }

  #activeKekFor(cipher: DataCipher): Kek {
    const profile = (Object.keys(PROFILES) as Profile[]).find((p) =>
      PROFILES[p].cipher === cipher
    )!;
    const id = this.keyring.active[profile];
    if (!id) fail("no_active_kek", `The keyring has no active key for profile ${profile}`, 500);
    return this.#kek(id);
  }

  #kek(id: string): Kek {
    const kek = this.keyring.keks.get(id);
    if (!kek) fail("unknown_kek", `Key-encryption key "${id}" is not in the keyring`, 500);
    return kek;
  }

  #ownerRef(tenant: string, ownerId: string): string {
    return createHmac("sha256", this.options.ownerIndexKey).update(`${tenant}\0${ownerId}`)
      .digest("hex").slice(0, 32);
  }
}
