/**
 * Search over encrypted text. Text is normalised (NFKC, lower case) and cut into tokens: words
 * for alphabetic scripts, and for CJK (which has no spaces) every character and every pair of
 * neighbouring characters. Each token is replaced by a keyed hash (SipHash-2-4, a pseudo-random
 * function made for short inputs, under a 128-bit key derived from the search key), stored as a
 * signed 64-bit integer, so the read model can match words without holding them.
 *
 * What this reveals to someone holding the database but not the search key: which tickets share
 * a token, how often a token occurs, and how many distinct tokens a ticket has. It does not reveal
 * the words themselves, their order, or their positions.
 * @module
 */
import SipHash from "siphash";
import { hmacSm3 } from "../crypto/gm/sm3.ts";
import { deriveSubkey } from "../crypto/keyring.ts";
import { type Profile, profileOf, type TenantProfiles } from "../crypto/profiles.ts";

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/u;
const RUNS = new RegExp(`${CJK.source}|[\\p{L}\\p{N}]+`, "gu");
const MAX_WORD_LENGTH = 40;

/** Normalises text the same way for documents and queries. */
export function normaliseForSearch(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

/** Every token a document is indexed under: words, CJK characters and CJK pairs. */
export function documentTokens(text: string): Set<string> {
  const tokens = new Set<string>();
  for (const run of normaliseForSearch(text).match(RUNS) ?? []) {
    if (!CJK.test(run)) {
      if (run.length <= MAX_WORD_LENGTH) tokens.add(run);
      continue;
    }
    const chars = [...run];
    chars.forEach((char, i) => {
      tokens.add(char);
      if (i + 1 < chars.length) tokens.add(char + chars[i + 1]);
    });
  }
  return tokens;
}

/** The tokens a query must all match: words, and CJK pairs (a lone CJK character as itself). */
export function queryTokens(query: string): Set<string> {
  const tokens = new Set<string>();
  for (const run of normaliseForSearch(query).match(RUNS) ?? []) {
    const chars = [...run];
    if (!CJK.test(run) || chars.length === 1) {
      tokens.add(run);
      continue;
    }
    for (let i = 0; i + 1 < chars.length; i++) tokens.add(chars[i] + chars[i + 1]);
  }
  return tokens;
}

/**
 * Keyed hashes of tokens, as decimal strings of signed 64-bit integers (Postgres `int8`): SipHash-2-4
 * for `intl` tenants, HMAC-SM3 (its first 64 bits) for `gm` tenants, who must use SM3 for keyed
 * hashes. A tenant that changes profile needs a `deno task replay` to search its older tickets.
 */
export function hashTokens(
  tokens: Iterable<string>,
  searchKey: Uint8Array,
  profile: Profile = "intl",
): string[] {
  const { hash: hashOne, memo } = hasherFor(searchKey, profile);
  const hashes: string[] = [];
  for (const token of tokens) {
    let hash = memo.get(token);
    if (hash === undefined) {
      hash = hashOne(token);
      if (memo.size >= MEMO_ENTRIES) memo.clear();
      memo.set(token, hash);
    }
    hashes.push(hash);
  }
  return hashes;
}

// Most words recur across tickets (nine in ten here), so recent hashes are kept, bounded.
const MEMO_ENTRIES = 100_000;
type Hasher = { hash: (token: string) => string; memo: Map<string, string> };
const hashers = new WeakMap<Uint8Array, Partial<Record<Profile, Hasher>>>();
const encoder = new TextEncoder();

function hasherFor(searchKey: Uint8Array, profile: Profile): Hasher {
  let byProfile = hashers.get(searchKey);
  if (!byProfile) hashers.set(searchKey, byProfile = {});
  return byProfile[profile] ??= { hash: keyedTokenHash(searchKey, profile), memo: new Map() };
}

function keyedTokenHash(searchKey: Uint8Array, profile: Profile): (token: string) => string {
  if (profile === "gm") {
    const key = deriveSubkey(searchKey, "search-tokens-sm3");
    return (token) => {
      const mac = hmacSm3(key, encoder.encode(token));
      return new DataView(mac.buffer, mac.byteOffset).getBigInt64(0).toString();
    };
  }
  const key = new Uint32Array(deriveSubkey(searchKey, "search-tokens").slice(0, 16).buffer);
  return (token) => {
    const { h, l } = SipHash.hash(key, token);
    return BigInt.asIntN(64, (BigInt(h) << 32n) | BigInt(l)).toString();
  };
}

/** Hashes a tenant's tokens with the keyed hash of its profile. */
export type TenantTokenHasher = (tenant: string, tokens: Iterable<string>) => string[];

export function tenantTokenHasher(
  searchKey: Uint8Array,
  profiles: TenantProfiles,
): TenantTokenHasher {
  return (tenant, tokens) => hashTokens(tokens, searchKey, profileOf(profiles, tenant));
}
