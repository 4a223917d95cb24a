/**
 * Which key-encryption keys the data keys depend on, recorded beside them (`kek.<id>` in the
 * `data-keys` bucket), so a process started with an out-of-date keyring (a backup from before a
 * rotation) refuses to start instead of failing every read and wrapping new keys under a KEK
 * that was retired. Every KEK a process's keyring holds is registered as in use; `deno task keys
 * retire` marks it retired once no data key needs it.
 * @module
 */
import type { KV } from "@nats-io/kv";
import type { Keyring } from "../crypto/keyring.ts";
import { RuntimeError } from "../runtime/runtime_error.ts";

interface KekRecord {
  state: "in_use" | "retired";
  alg: string;
  since: string;
}

const key = (id: string) => `kek.${id}`;

/** Refuses a keyring that lacks a KEK in use or makes a retired one active; registers the rest. */
export async function checkKeyring(kv: KV, keyring: Keyring, now = new Date()): Promise<void> {
  const registered = new Map<string, KekRecord>();
  for await (const name of await kv.keys("kek.>")) {
    const entry = await kv.get(name);
    if (entry?.operation === "PUT") registered.set(name.slice(4), entry.json<KekRecord>());
  }
  for (const [id, record] of registered) {
    if (record.state === "in_use" && !keyring.keks.has(id)) {
      refuse(
        `The keyring lacks KEK "${id}", which data keys may need (in use since ${record.since}). ` +
          `Start with the current keyring; if no data key needs "${id}", run deno task keys retire`,
      );
    }
  }
  for (const [profile, id] of Object.entries(keyring.active)) {
    if (registered.get(id)?.state === "retired") {
      refuse(`The ${profile} KEK "${id}" was retired; this keyring is out of date`);
    }
  }
  for (const [id, kek] of keyring.keks) {
    if (!registered.has(id)) {
      const record: KekRecord = { state: "in_use", alg: kek.alg, since: now.toISOString() };
      await kv.create(key(id), JSON.stringify(record)).catch(() => {}); // another process did
    }
  }
}

/** True once `deno task keys retire` has retired `id`. */
export async function isRetired(kv: KV, id: string): Promise<boolean> {
  const entry = await kv.get(key(id));
  return entry?.operation === "PUT" && entry.json<KekRecord>().state === "retired";
}

/** True when `id` was ever registered (in use or retired). */
export async function isRegistered(kv: KV, id: string): Promise<boolean> {
  return (await kv.get(key(id)))?.operation === "PUT";
}

/** Records that no data key needs `id` any more. */
export async function markRetired(kv: KV, id: string, now = new Date()): Promise<void> {
  const entry = await kv.get(key(id));
  const alg = entry?.operation === "PUT" ? entry.json<KekRecord>().alg : "unknown";
  const record: KekRecord = { state: "retired", alg, since: now.toISOString() };
  await kv.put(key(id), JSON.stringify(record));
}

function refuse(message: string): never {
  throw new RuntimeError("invalid_keyring", message);
}
