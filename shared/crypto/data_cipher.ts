/**
 * The two data ciphers, one call shape: AES-256-GCM (node:crypto) and SM4-GCM (RFC 8998, our
 * own implementation proved against the standard's vectors). Output is ciphertext || 16-byte tag.
 * Any failure to open is one typed error, so a caller cannot tell a wrong key from tampering.
 * @module
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { DomainError } from "../errors.ts";
import { sm4GcmOpen, sm4GcmSeal } from "./gm/sm4_gcm.ts";
import type { DataCipher } from "./profiles.ts";

const TAG_BYTES = 16;

/** Encrypts and authenticates `plaintext` with `aad` bound to it. */
export function encryptData(
  cipher: DataCipher,
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  if (cipher === "SM4GCM") return sm4GcmSeal(key, iv, plaintext, aad);
  const aes = createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
  return Buffer.concat([aes.update(plaintext), aes.final(), aes.getAuthTag()]);
}

/** Checks the tag and decrypts; throws `decryption_failed` on any mismatch. */
export function decryptData(
  cipher: DataCipher,
  key: Uint8Array,
  iv: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  if (sealed.length < TAG_BYTES) throw decryptionFailed();
  try {
    if (cipher === "SM4GCM") return sm4GcmOpen(key, iv, sealed, aad);
    const aes = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES })
      .setAAD(aad)
      .setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([aes.update(sealed.subarray(0, sealed.length - TAG_BYTES)), aes.final()]);
  } catch {
    throw decryptionFailed();
  }
}

export function decryptionFailed(): DomainError {
  return new DomainError(
    "decryption_failed",
    "A sealed value failed to open: wrong key, context or tampered data",
    500,
  );
}
