/**
 * Envelope encryption of ticket text. Each value gets its own random AES-256-GCM data key,
 * wrapped (AES-KW, RFC 3394) by the active key-encryption key. The sealed form names its
 * algorithm and KEK id, and is bound to a context (tenant and ticket) as associated data, so a
 * ciphertext copied onto another ticket does not open.
 *
 * Sealed form: `enc:v1:A256GCM:<kek id>:<wrapped key>:<iv>:<ciphertext+tag>` (base64url parts).
 * @module
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DomainError } from "../errors.ts";
import { decodeBase64, encodeBase64Url } from "./base64.ts";
import type { Keyring } from "./keyring.ts";

const PREFIX = "enc:v1:A256GCM:";
// RFC 3394's default initial value; node's "aes256-wrap" is AES-KW, byte-compatible with WebCrypto.
const KEY_WRAP_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Seals and opens text with the keys of one {@link Keyring}. */
export class Envelope {
  constructor(private readonly keyring: Keyring) {}

  /** Encrypts `plaintext` under a fresh data key, bound to `context`. */
  seal(plaintext: string, context: string): Promise<string> {
    const kid = this.keyring.activeKeyId;
    const dataKey = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", dataKey, iv).setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([
      cipher.update(plaintext, "utf8"),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    const wrapper = createCipheriv("aes256-wrap", this.#kek(kid), KEY_WRAP_IV);
    const wrapped = Buffer.concat([wrapper.update(dataKey), wrapper.final()]);
    return Promise.resolve(
      PREFIX + [kid, ...[wrapped, iv, ciphertext].map(encodeBase64Url)].join(":"),
    );
  }

  /** Decrypts a value sealed by {@link seal} under the same `context`. */
  open(sealed: string, context: string): Promise<string> {
    const parts = sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length).split(":") : [];
    if (parts.length !== 4) {
      return Promise.reject(cryptoError("Not a sealed value of a known format"));
    }
    const [kid, wrapped, iv, sealedText] = parts;
    try {
      const unwrapper = createDecipheriv("aes256-wrap", this.#kek(kid), KEY_WRAP_IV);
      const dataKey = Buffer.concat([unwrapper.update(decodeBase64(wrapped)), unwrapper.final()]);
      const bytes = decodeBase64(sealedText);
      const decipher = createDecipheriv("aes-256-gcm", dataKey, decodeBase64(iv))
        .setAAD(Buffer.from(context))
        .setAuthTag(bytes.subarray(bytes.length - 16));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(0, bytes.length - 16)),
        decipher.final(),
      ]);
      return Promise.resolve(decoder.decode(plain));
    } catch (error) {
      if (error instanceof DomainError) return Promise.reject(error);
      return Promise.reject(
        cryptoError("A sealed value failed to open: wrong key, context or tampered data"),
      );
    }
  }

  #kek(kid: string): Uint8Array {
    const key = this.keyring.keks.get(kid);
    if (!key) throw cryptoError(`Unknown key-encryption key "${kid}"`);
    return key;
  }
}

function cryptoError(message: string): DomainError {
  return new DomainError("decryption_failed", message, 500);
}
