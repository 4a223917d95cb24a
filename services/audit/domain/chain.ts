/**
 * The hash chain: `hash_n = H(hash_{n-1} || canonicalJson(entry_n))` over raw bytes, with
 * `hash_0` 32 zero bytes, H = SM3 for tenants of the `gm` profile and SHA-256 otherwise. Hashes
 * travel as lower-case hex.
 * @module
 */
import { createHash } from "node:crypto";
import { sm3 } from "@ticketd/shared/crypto/gm/sm3.ts";
import { canonicalJson } from "./canonical_json.ts";
import type { AuditEntry, UnchainedEntry } from "./entry.ts";

export const HASH_ALGS = ["SHA-256", "SM3"] as const;
export type HashAlg = (typeof HASH_ALGS)[number];

/** The head a chain starts from: no entry yet. */
export const GENESIS_HASH = "0".repeat(64);

/** Where a chain stands: its last entry's position, source sequence and hash. */
export interface ChainHead {
  n: number;
  seq: number;
  hash: string;
}

export const EMPTY_HEAD: ChainHead = { n: 0, seq: 0, hash: GENESIS_HASH };

/** An entry with its place in the chain, as stored. */
export interface ChainedEntry {
  entry: AuditEntry;
  /** `canonicalJson(entry)`: the exact text hashed and stored. */
  text: string;
  alg: HashAlg;
  prevHash: string;
  hash: string;
}

const encoder = new TextEncoder();

/** `H(prevHash || text)` in hex. */
export function linkHash(alg: HashAlg, prevHash: string, text: string): string {
  const body = encoder.encode(text);
  const input = new Uint8Array(32 + body.length);
  input.set(Uint8Array.fromHex(prevHash));
  input.set(body, 32);
  if (alg === "SM3") return sm3(input).toHex();
  return createHash("sha256").update(input).digest("hex");
}

/** Appends `entry` after `head`; returns the chained entry and the new head. */
export function chain(
  head: ChainHead,
  entry: UnchainedEntry,
  alg: HashAlg,
): { chained: ChainedEntry; head: ChainHead } {
  const full: AuditEntry = { ...entry, n: head.n + 1 };
  const text = canonicalJson(full);
  const hash = linkHash(alg, head.hash, text);
  return {
    chained: { entry: full, text, alg, prevHash: head.hash, hash },
    head: { n: full.n, seq: entry.source.seq, hash },
  };
}
