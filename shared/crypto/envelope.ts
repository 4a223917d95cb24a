/**
 * Envelope encryption of ticket text. Each value gets its own random AES-256-GCM data key,
 * wrapped (AES-KW, RFC 3394) by the active key-encryption key. The sealed form names its
 * algorithm and KEK id, and is bound to a context (tenant and ticket) as associated data, so a
 * ciphertext copied onto another ticket does not open.
 *
 * Sealed form: `enc:v1:A256GCM:<kek id>:<wrapped key>:<iv>:<ciphertext+tag>` (base64url parts).
 * @module
 */
import { DomainError } from "../errors.ts";
import { decodeBase64, encodeBase64Url } from "./base64.ts";
import type { Keyring } from "./keyring.ts";

const PREFIX = "enc:v1:A256GCM:";
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Seals and opens text with the keys of one {@link Keyring}. */
export class Envelope {
  #keks = new Map<string, Promise<CryptoKey>>();

  constructor(private readonly keyring: Keyring) {}

  /** Encrypts `plaintext` under a fresh data key, bound to `context`. */
  async seal(plaintext: string, context: string): Promise<string> {
    const kid = this.keyring.activeKeyId;
    const dataKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, [
      "encrypt",
    ]);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const [wrapped, ciphertext] = await Promise.all([
      crypto.subtle.wrapKey("raw", dataKey, await this.#kek(kid), "AES-KW"),
      crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
        dataKey,
        encoder.encode(plaintext),
      ),
    ]);
    return PREFIX + [kid, wrapped, iv, ciphertext].map(part).join(":");
  }

  /** Decrypts a value sealed by {@link seal} under the same `context`. */
  async open(sealed: string, context: string): Promise<string> {
    const parts = sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length).split(":") : [];
    if (parts.length !== 4) throw cryptoError("Not a sealed value of a known format");
    const [kid, wrapped, iv, ciphertext] = parts;
    try {
      const dataKey = await crypto.subtle.unwrapKey(
        "raw",
        decodeBase64(wrapped),
        await this.#kek(kid),
        "AES-KW",
        "AES-GCM",
        false,
        ["decrypt"],
      );
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: decodeBase64(iv), additionalData: encoder.encode(context) },
        dataKey,
        decodeBase64(ciphertext),
      );
      return decoder.decode(plain);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw cryptoError("A sealed value failed to open: wrong key, context or tampered data");
    }
  }

  #kek(kid: string): Promise<CryptoKey> {
    let key = this.#keks.get(kid);
    if (!key) {
      const raw = this.keyring.keks.get(kid);
      if (!raw) throw cryptoError(`Unknown key-encryption key "${kid}"`);
      key = crypto.subtle.importKey("raw", raw, "AES-KW", false, ["wrapKey", "unwrapKey"]);
      this.#keks.set(kid, key);
    }
    return key;
  }
}

function part(bytes: ArrayBuffer | Uint8Array | string): string {
  if (typeof bytes === "string") return bytes;
  return encodeBase64Url(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
}

function cryptoError(message: string): DomainError {
  return new DomainError("decryption_failed", message, 500);
}
