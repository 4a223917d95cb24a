/**
 * {@link DataKeyStore} on a NATS KV bucket (`data-keys`, history 1). Destroying a key first
 * erases its message in the bucket's stream (JetStream overwrites the stored bytes), then
 * purges the key so watchers in every process hear of it and drop it from their caches.
 * @module
 */
import type { JetStreamManager } from "@nats-io/jetstream";
import type { KV, KvEntry } from "@nats-io/kv";
import type { DataKeyRecord, DataKeyStore, OwnerRecord, Versioned } from "./data_key_store.ts";
import { isRetired } from "./kek_registry.ts";

export const DATA_KEYS_BUCKET = "data-keys";

export class KvDataKeyStore implements DataKeyStore {
  constructor(
    private readonly kv: KV,
    private readonly jsm: JetStreamManager,
    private readonly bucket = DATA_KEYS_BUCKET,
  ) {}

  getKey(tenant: string, id: string) {
    return this.#get<DataKeyRecord>(`dek.${tenant}.${id}`);
  }

  async createKey(tenant: string, id: string, record: DataKeyRecord): Promise<void> {
    await this.kv.create(`dek.${tenant}.${id}`, JSON.stringify(record));
  }

  updateKey(tenant: string, id: string, record: DataKeyRecord, revision: number) {
    return this.#put(`dek.${tenant}.${id}`, record, revision);
  }

  getOwner(tenant: string, owner: string) {
    return this.#get<OwnerRecord>(`owner.${tenant}.${owner}`);
  }

  putOwner(tenant: string, owner: string, record: OwnerRecord, revision: number) {
    return this.#put(`owner.${tenant}.${owner}`, record, revision);
  }

  destroyKey(tenant: string, id: string): Promise<void> {
    return this.#destroy(`dek.${tenant}.${id}`);
  }

  destroyOwner(tenant: string, owner: string): Promise<void> {
    return this.#destroy(`owner.${tenant}.${owner}`);
  }

  isKekRetired(id: string): Promise<boolean> {
    return isRetired(this.kv, id);
  }

  async *listKeys() {
    for await (const key of await this.kv.keys("dek.>")) {
      const [, tenant, id] = key.split(".");
      yield { tenant, id };
    }
  }

  async watchDestroyed(onDestroyed: (tenant: string, id: string) => void) {
    const watch = await this.kv.watch({ key: "dek.>", include: "updates" });
    (async () => {
      for await (const entry of watch) {
        if (entry.operation === "PURGE" || entry.operation === "DEL") {
          const [, tenant, id] = entry.key.split(".");
          onDestroyed(tenant, id);
        }
      }
    })();
    return () => watch.stop();
  }

  async #get<T>(key: string): Promise<Versioned<T> | null> {
    const entry = await this.kv.get(key);
    return isLive(entry) ? { record: entry.json<T>(), revision: entry.revision } : null;
  }

  async #put(key: string, record: unknown, revision: number): Promise<boolean> {
    const value = JSON.stringify(record);
    try {
      if (revision === 0) await this.kv.create(key, value);
      else await this.kv.update(key, value, revision);
      return true;
    } catch (error) {
      if (isWrongRevision(error)) return false;
      throw error;
    }
  }

  async #destroy(key: string): Promise<void> {
    const entry = await this.kv.get(key);
    if (isLive(entry)) {
      await this.jsm.streams.deleteMessage(`KV_${this.bucket}`, entry.revision, true)
        .catch((error) => {
          if (!String(error).includes("no message found")) throw error;
        });
    }
    await this.kv.purge(key);
  }
}

function isLive(entry: KvEntry | null): entry is KvEntry {
  return entry !== null && entry.operation === "PUT";
}

/** JetStream's "wrong last sequence" (10071) or "key exists" on create. */
function isWrongRevision(error: unknown): boolean {
  const text = String((error as Error)?.message ?? error);
  return text.includes("wrong last sequence") || text.includes("10071") ||
    text.includes("key exists");
}
