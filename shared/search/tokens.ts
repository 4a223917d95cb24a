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
import { deriveSubkey } from "../crypto/keyring.ts";

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

/** Keyed hashes of tokens, as decimal strings of signed 64-bit integers (Postgres `int8`). */
export function hashTokens(tokens: Iterable<string>, searchKey: Uint8Array): string[] {
  const { key, memo } = hasherFor(searchKey);
  const hashes: string[] = [];
  for (const token of tokens) {
    let hash = memo.get(token);
    if (hash === undefined) {
      const { h, l } = SipHash.hash(key, token);
      hash = BigInt.asIntN(64, (BigInt(h) << 32n) | BigInt(l)).toString();
      if (memo.size >= MEMO_ENTRIES) memo.clear();
      memo.set(token, hash);
    }
    hashes.push(hash);
  }
  return hashes;
}

// Most words recur across tickets (nine in ten here), so recent hashes are kept, bounded.
const MEMO_ENTRIES = 100_000;
const hashers = new WeakMap<Uint8Array, { key: Uint32Array; memo: Map<string, string> }>();

function hasherFor(searchKey: Uint8Array) {
  let hasher = hashers.get(searchKey);
  if (!hasher) {
    const key = new Uint32Array(deriveSubkey(searchKey, "search-tokens").slice(0, 16).buffer);
    hasher = { key, memo: new Map() };
    hashers.set(searchKey, hasher);
  }
  return hasher;
}
