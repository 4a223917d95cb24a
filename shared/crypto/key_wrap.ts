/**
 * Wrapping data keys under a key-encryption key: AES key wrap (RFC 3394, byte-compatible with
 * WebCrypto's AES-KW) for AES KEKs, SM2 public-key encryption (C1C3C2) for SM2 KEKs. Wrapping
 * with SM2 needs only the public key, so a process that only writes could run without the
 * private one.
 * @module
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { sm2Decrypt, sm2Encrypt } from "./gm/sm2.ts";
import type { Kek } from "./keyring.ts";
import { decryptionFailed } from "./data_cipher.ts";

// RFC 3394's default initial value.
const KEY_WRAP_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");

/** `dataKey` encrypted under `kek`. */
export function wrapDataKey(kek: Kek, dataKey: Uint8Array): Uint8Array {
  if (kek.alg === "SM2") return sm2Encrypt(dataKey, kek.publicKey);
  const wrapper = createCipheriv("aes256-wrap", kek.key, KEY_WRAP_IV);
  return Buffer.concat([wrapper.update(dataKey), wrapper.final()]);
}

/** The data key inside `wrapped`; throws `decryption_failed` if `kek` did not wrap it. */
export function unwrapDataKey(kek: Kek, wrapped: Uint8Array): Uint8Array {
  try {
    if (kek.alg === "SM2") return sm2Decrypt(wrapped, kek.privateKey);
    const unwrapper = createDecipheriv("aes256-wrap", kek.key, KEY_WRAP_IV);
    return Buffer.concat([unwrapper.update(wrapped), unwrapper.final()]);
  } catch {
    throw decryptionFailed();
  }
}
