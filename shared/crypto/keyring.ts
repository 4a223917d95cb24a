/**
 * Key-encryption keys (KEKs) and the search key, loaded once from configuration (a file or a
 * Docker secret; never the database). Each profile has one active KEK, which wraps new data
 * keys; the others stay to unwrap older ones until `deno task keys rewrap` has moved every data
 * key off them, so rotation never strands data.
 * @module
 */
import { createHmac } from "node:crypto";
import { DomainError } from "../errors.ts";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import { generateSm2KeyPair, sm2PublicKeyOf } from "./gm/sm2.ts";
import { type Profile, PROFILES } from "./profiles.ts";

/** An AES-256 KEK (AES key wrap) or an SM2 key pair (SM2 public-key encryption). */
export type KekFile =
  | string
  | { alg: "A256KW"; key: string }
  | { alg: "SM2"; privateKey: string; publicKey: string };

/**
 * Keyring file format:
 * `{"active":{"intl":"k1","gm":"g1"},"keys":{"k1":"<base64 32 bytes>","g1":{"alg":"SM2",
 * "privateKey":"<hex>","publicKey":"04<hex>"}},"searchKey":"<base64 32 bytes>"}`.
 * A plain string `active` names the `intl` KEK (the format before profiles).
 */
export interface KeyringFile {
  active: string | Partial<Record<Profile, string>>;
  keys: Record<string, KekFile>;
  searchKey: string;
}

export type Kek =
  | { id: string; alg: "A256KW"; key: Uint8Array<ArrayBuffer> }
  | { id: string; alg: "SM2"; privateKey: string; publicKey: string };

export interface Keyring {
  /** The KEK that wraps new data keys, per profile; a profile without one cannot be used. */
  active: Partial<Record<Profile, string>>;
  keks: ReadonlyMap<string, Kek>;
  searchKey: Uint8Array<ArrayBuffer>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Validates a parsed keyring file: sizes, formats, and that each active KEK suits its profile. */
export function parseKeyring(file: KeyringFile): Keyring {
  const keks = new Map<string, Kek>();
  for (const [id, entry] of Object.entries(file.keys ?? {})) {
    if (!KEY_ID.test(id)) throw keyringError(`Key id "${id}" must match ${KEY_ID}`);
    keks.set(id, parseKek(id, entry));
  }
  const active = typeof file.active === "string" ? { intl: file.active } : file.active ?? {};
  for (const [profile, id] of Object.entries(active)) {
    const wrap = PROFILES[profile as Profile]?.wrap;
    if (!wrap) throw keyringError(`Unknown profile "${profile}" in active`);
    const kek = keks.get(id);
    if (!kek) throw keyringError(`Active key "${id}" is not in keys`);
    if (kek.alg !== wrap) {
      throw keyringError(`Profile ${profile} needs a ${wrap} key, but "${id}" is ${kek.alg}`);
    }
  }
  return { active, keks, searchKey: exact32(decodeBase64(file.searchKey ?? ""), "searchKey") };
}

function parseKek(id: string, entry: KekFile): Kek {
  if (typeof entry === "string") return parseKek(id, { alg: "A256KW", key: entry });
  if (entry?.alg === "A256KW") {
    return { id, alg: "A256KW", key: exact32(decodeBase64(entry.key ?? ""), `key "${id}"`) };
  }
  if (entry?.alg === "SM2") {
    const { privateKey, publicKey } = entry;
    if (!/^[0-9a-f]{64}$/i.test(privateKey ?? "")) {
      throw keyringError(`The SM2 private key of "${id}" must be 64 hex digits`);
    }
    if (sm2PublicKeyOf(privateKey).toLowerCase() !== String(publicKey).toLowerCase()) {
      throw keyringError(`The SM2 public key of "${id}" does not belong to its private key`);
    }
    return { id, alg: "SM2", privateKey, publicKey };
  }
  throw keyringError(`Key "${id}" must be base64 AES key or {"alg":"A256KW"|"SM2",...}`);
}

/** A fresh random keyring with a KEK for each profile, for first start on a developer machine. */
export function generateKeyringFile(): KeyringFile {
  const random = () => encodeBase64(crypto.getRandomValues(new Uint8Array(32)));
  return {
    active: { intl: "k1", gm: "g1" },
    keys: { k1: random(), g1: { alg: "SM2", ...generateSm2KeyPair() } },
    searchKey: random(),
  };
}

/** A new KEK for `profile` made active in `file`; the old one stays until retired. */
export function addKek(file: KeyringFile, profile: Profile, id: string): KeyringFile {
  if (!KEY_ID.test(id)) throw keyringError(`Key id "${id}" must match ${KEY_ID}`);
  if (file.keys[id]) throw keyringError(`Key id "${id}" is already in the keyring`);
  const kek: KekFile = PROFILES[profile].wrap === "SM2"
    ? { alg: "SM2", ...generateSm2KeyPair() }
    : { alg: "A256KW", key: encodeBase64(crypto.getRandomValues(new Uint8Array(32))) };
  const active = typeof file.active === "string" ? { intl: file.active } : file.active;
  return { ...file, active: { ...active, [profile]: id }, keys: { ...file.keys, [id]: kek } };
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
