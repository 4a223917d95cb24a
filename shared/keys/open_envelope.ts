/**
 * The envelope of a process, wired to the `data-keys` bucket: one call for every process that
 * seals or opens ticket text (the service, its projector thread, the replay and keys tools).
 * @module
 */
import type { JetStreamManager } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { Envelope } from "../crypto/envelope.ts";
import { deriveSubkey, type Keyring } from "../crypto/keyring.ts";
import type { TenantProfiles } from "../crypto/profiles.ts";
import { DataKeys } from "./data_keys.ts";
import { DATA_KEYS_BUCKET, KvDataKeyStore } from "./kv_data_key_store.ts";
import { checkKeyring } from "./kek_registry.ts";
import { RuntimeError } from "../runtime/runtime_error.ts";

export interface EnvelopeSettings {
  keyring: Keyring;
  profiles: TenantProfiles;
  /** Most unwrapped data keys kept in memory. */
  dataKeyCacheEntries: number;
}

export interface OpenedEnvelope {
  envelope: Envelope;
  dataKeys: DataKeys;
  /** The bucket of data keys and the KEK registry. */
  kv: KV;
  /** Stops listening for destroyed keys. */
  close: () => void;
}

/** Every profile the settings use needs an active KEK, or its tenants' first tickets would fail. */
function requireProfileKeks({ keyring, profiles }: EnvelopeSettings): void {
  for (const profile of new Set([profiles.defaultProfile, ...profiles.byTenant.values()])) {
    if (!keyring.active[profile]) {
      throw new RuntimeError(
        "invalid_keyring",
        `Profile ${profile} is in use (TICKETD_CRYPTO_PROFILE / TICKETD_TENANT_PROFILES), but ` +
          `the keyring has no active ${profile} KEK: add one with deno task keys add`,
      );
    }
  }
}

/**
 * Opens the data-key store on `nc` and an envelope over it, after checking that the keyring is
 * the current one (`checkKeyring: false` only for tools that report or retire, never seal).
 */
export async function openEnvelope(
  nc: NatsConnection,
  jsm: JetStreamManager,
  settings: EnvelopeSettings,
  options: { checkKeyring?: boolean } = {},
): Promise<OpenedEnvelope> {
  requireProfileKeks(settings);
  const kv = await new Kvm(nc).create(DATA_KEYS_BUCKET, { history: 1 });
  if (options.checkKeyring ?? true) await checkKeyring(kv, settings.keyring);
  const dataKeys = new DataKeys(new KvDataKeyStore(kv, jsm), settings.keyring, {
    ownerIndexKey: deriveSubkey(settings.keyring.searchKey, "data-key-owners"),
    cacheEntries: settings.dataKeyCacheEntries,
  });
  const close = await dataKeys.watch();
  return { envelope: new Envelope(dataKeys, settings.profiles), dataKeys, kv, close };
}
