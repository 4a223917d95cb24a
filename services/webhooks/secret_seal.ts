/**
 * Webhook signing secrets at rest: a fresh data key per secret seals it (the tenant profile's
 * cipher), the data key wrapped by the profile's active KEK from the keyring, the tenant and
 * subscription bound as associated data. The table holds
 * `whsec:v1:<cipher>:<kek id>:<wrapped>:<iv>:<ciphertext>`, never the secret.
 * @module
 */
import { randomBytes } from "node:crypto";
import { decodeBase64, encodeBase64Url } from "@ticketd/shared/crypto/base64.ts";
import { decryptData, decryptionFailed, encryptData } from "@ticketd/shared/crypto/data_cipher.ts";
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";
import { unwrapDataKey, wrapDataKey } from "@ticketd/shared/crypto/key_wrap.ts";
import { type DataCipher, type Profile, PROFILES } from "@ticketd/shared/crypto/profiles.ts";
import { DomainError } from "@ticketd/shared/errors.ts";

const PREFIX = "whsec:v1:";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Whose secret it is: bound to the sealed value, so a copied row does not open. */
export interface SecretScope {
  tenant: string;
  subscriptionId: string;
}

/** A new random secret as receivers see it: `whsec_` and 32 random bytes, base64url. */
export function newSecret(): string {
  return `whsec_${encodeBase64Url(randomBytes(32))}`;
}

/** `secret` sealed under the active KEK of `profile`. */
export function sealSecret(
  keyring: Keyring,
  profile: Profile,
  secret: string,
  scope: SecretScope,
): string {
  const kekId = keyring.active[profile];
  const kek = kekId ? keyring.keks.get(kekId) : undefined;
  if (!kekId || !kek) {
    throw new DomainError("no_active_key", `The keyring has no active ${profile} key`, 500);
  }
  const { cipher, keyBytes } = PROFILES[profile];
  const dataKey = randomBytes(keyBytes);
  const iv = randomBytes(12);
  const header = `${PREFIX}${cipher}:${kekId}`;
  const sealed = encryptData(cipher, dataKey, iv, encoder.encode(secret), aad(header, scope));
  const parts = [wrapDataKey(kek, dataKey), iv, sealed].map(encodeBase64Url);
  return [header, ...parts].join(":");
}

/** The secret inside `sealed`; `decryption_failed` for another scope or a missing KEK. */
export function openSecret(keyring: Keyring, sealed: string, scope: SecretScope): string {
  const parts = sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length).split(":") : [];
  if (parts.length !== 5) throw decryptionFailed();
  const [cipher, kekId, wrapped, iv, text] = parts;
  const kek = keyring.keks.get(kekId);
  if (!kek) throw decryptionFailed();
  const dataKey = unwrapDataKey(kek, decodeBase64(wrapped));
  const header = `${PREFIX}${cipher}:${kekId}`;
  return decoder.decode(
    decryptData(
      cipher as DataCipher,
      dataKey,
      decodeBase64(iv),
      decodeBase64(text),
      aad(header, scope),
    ),
  );
}

function aad(header: string, scope: SecretScope): Uint8Array {
  return encoder.encode(`${header}|${scope.tenant}/webhook/${scope.subscriptionId}`);
}
