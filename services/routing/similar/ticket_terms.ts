/**
 * A ticket's text as hashed terms: the distinct tokens of subject and body (words; CJK characters
 * and pairs, from shared/search/tokens.ts), each replaced by its keyed hash and marked with the
 * fields it occurs in. The plaintext tokens do not outlive this call.
 * @module
 */
import { documentTokens } from "@ticketd/shared/search/tokens.ts";
import type { TokenHasher } from "./token_hasher.ts";

/** The text the index reads from a ticket. */
export interface TicketText {
  subject: string;
  body: string;
}

export const IN_SUBJECT = 1;
export const IN_BODY = 2;

/** Distinct token hashes and, at the same index, their field bits (IN_SUBJECT | IN_BODY). */
export interface HashedTerms {
  hashes: Uint32Array;
  fields: Uint8Array;
}

/** The hashed terms of `text`, subject first, at most `maxTerms` of them. */
export function hashedTerms(
  hasher: TokenHasher,
  tenant: string,
  text: TicketText,
  maxTerms: number,
): HashedTerms {
  // Two words may share a 32-bit hash; they then count as one term.
  const fieldsByHash = new Map<number, number>();
  const add = (tokens: Set<string>, field: number) => {
    for (const token of tokens) {
      const hash = hasher(tenant, token);
      const seen = fieldsByHash.get(hash);
      if (seen !== undefined) fieldsByHash.set(hash, seen | field);
      else if (fieldsByHash.size < maxTerms) fieldsByHash.set(hash, field);
    }
  };
  add(documentTokens(text.subject), IN_SUBJECT);
  add(documentTokens(text.body), IN_BODY);
  const hashes = new Uint32Array(fieldsByHash.size);
  const fields = new Uint8Array(fieldsByHash.size);
  let i = 0;
  for (const [hash, field] of fieldsByHash) {
    hashes[i] = hash;
    fields[i++] = field;
  }
  return { hashes, fields };
}
