/**
 * An envelope over an in-memory data-key store, for pure tests of code that seals text.
 * @module
 */
import { Envelope } from "../crypto/envelope.ts";
import { generateKeyringFile, type Keyring, parseKeyring } from "../crypto/keyring.ts";
import { parseTenantProfiles, type TenantProfiles } from "../crypto/profiles.ts";
import { MemoryDataKeyStore } from "./data_key_store.ts";
import { DataKeys } from "./data_keys.ts";

export function memoryEnvelope(
  keyring: Keyring = parseKeyring(generateKeyringFile()),
  profiles: TenantProfiles = parseTenantProfiles("intl"),
  store = new MemoryDataKeyStore(),
) {
  const dataKeys = new DataKeys(store, keyring, {
    ownerIndexKey: new Uint8Array(32),
    cacheEntries: 1000,
  });
  return { envelope: new Envelope(dataKeys, profiles), dataKeys, store, keyring };
}
