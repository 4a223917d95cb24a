/**
 * The named settings of the similar-ticket index: BM25 constants, field weights, the stop-token
 * ceiling and the bounds that keep one lookup fast at a million tickets.
 * @module
 */

export interface SimilarSettings {
  /** BM25 term-frequency saturation. */
  k1: number;
  /** BM25 length normalisation (0 = none, 1 = full). */
  b: number;
  /** Weight of a token found in the subject (BM25F-style: weights add up per field). */
  subjectWeight: number;
  /** Weight of a token found in the body. */
  bodyWeight: number;
  /** Extra weight of a query token that comes from the query's own subject. */
  querySubjectBoost: number;
  /** Only the N rarest (highest-IDF) tokens of a query are looked up. */
  maxQueryTokens: number;
  /** At most this many postings are read per lookup, newest first within a token. */
  maxPostingsPerQuery: number;
  /** A token in more than this share of a tenant's tickets is stop-like: its postings are dropped. */
  stopFraction: number;
  /** ...but never below this many tickets, so a small tenant keeps its common words. */
  stopMinDocs: number;
  /** Distinct tokens indexed per ticket (subject first, then the start of the body). */
  maxDocTokens: number;
}

export const DEFAULT_SIMILAR_SETTINGS: Readonly<SimilarSettings> = {
  k1: 1.2,
  b: 0.75,
  subjectWeight: 2,
  bodyWeight: 1,
  querySubjectBoost: 1,
  maxQueryTokens: 32,
  maxPostingsPerQuery: 50_000,
  stopFraction: 0.1,
  stopMinDocs: 500,
  maxDocTokens: 256,
};
