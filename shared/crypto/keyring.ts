/**
 * Key-encryption keys (KEKs) and the search key, loaded once from configuration. The active KEK
 * wraps new data keys; retired KEKs stay to unwrap old ones, so rotation never strands data.
 * @module
 */
import { createHmac } from "node:crypto";
import { DomainError } from "../errors.ts";
import { decodeBase64, encodeBase64 } from "./base64.ts";

/** Keyring file format: `{"active":"k1","keys":{"k1":"<base64 32 bytes>"},"searchKey":"<base64>"}` */
export interface KeyringFile {
  active: string;
  keys: Record<string, string>;
  searchKey: string;
}

export interface Keyring {
  activeKeyId: string;
  keks: ReadonlyMap<string, Uint8Array<ArrayBuffer>>;
  searchKey: Uint8Array<ArrayBuffer>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Validates a parsed keyring file; every key must be exactly 32 bytes. */
export function parseKeyring(file: KeyringFile): Keyring {
  const keks = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const [kid, b64] of Object.entries(file.keys ?? {})) {
    if (!KEY_ID.test(kid)) throw keyringError(`Key id "${kid}" must match ${KEY_ID}`);
    keks.set(kid, exact32(decodeBase64(b64), `key "${kid}"`));
  }
  if (!keks.has(file.active)) throw keyringError(`Active key "${file.active}" is not in keys`);
  return {
    activeKeyId: file.active,
    keks,
    searchKey: exact32(decodeBase64(file.searchKey ?? ""), "searchKey"),
  };
}

/** A fresh random keyring, for first start on a developer machine. */
export function generateKeyringFile(): KeyringFile {
  const random = () => encodeBase64(crypto.getRandomValues(new Uint8Array(32)));
  return { active: "k1", keys: { k1: random() }, searchKey: random() };
}

function exact32(bytes: Uint8Array<ArrayBuffer>, what: string): Uint8Array<ArrayBuffer> {
  if (bytes.length !== 32) throw keyringError(`The ${what} must be 32 bytes, got ${bytes.length}`);
  return bytes;
}

function keyringError(message: string): DomainError {
  return new DomainError("invalid_keyring", message, 500);
}

/** A key for one purpose derived from `key`, so one secret never serves two uses directly. */
export function deriveSubkey(key: Uint8Array, purpose: string): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(`ticketd/${purpose}`).digest());
}
