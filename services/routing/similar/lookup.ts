/**
 * One lookup: BM25 over the postings of a query's rarest terms, into a reusable score buffer,
 * then the k best. Bounded twice so it stays fast at a million tickets: at most
 * `maxQueryTokens` terms, and at most `maxPostingsPerQuery` postings (newest first).
 * @module
 */
import type { ListArena } from "./list_arena.ts";
import type { SimilarSettings } from "./settings.ts";
import type { TermTable } from "./term_table.ts";
import { IN_BODY, IN_SUBJECT } from "./ticket_terms.ts";
import { type Scored, TopK } from "./top_k.ts";

/** What a lookup reads from a tenant's index. */
export interface LookupSource {
  terms: TermTable;
  /** Per term: `doc << 2 | fields`, oldest first. */
  postings: ListArena;
  docLength: Uint16Array;
  docCount: number;
  averageLength: number;
}

/** A query term and the fields of the query it came from. */
export interface QueryTerm {
  term: number;
  fields: number;
}

/** Score accumulators, reused across lookups (one lookup runs at a time). */
export class Scratch {
  scores = new Float32Array(0);
  touched = new Int32Array(0);

  fit(docs: number): void {
    if (this.scores.length >= docs) return;
    this.scores = new Float32Array(Math.max(1024, docs * 1.25));
    this.touched = new Int32Array(this.scores.length);
  }
}

/** The query terms worth reading: indexed, not stop-like, at least `minDf`, rarest first. */
export function rarestTerms(
  source: LookupSource,
  query: QueryTerm[],
  minDf: number,
  limit: number,
): QueryTerm[] {
  const { terms } = source;
  return query.filter((q) => terms.df(q.term) >= minDf && !terms.isStop(q.term))
    .sort((a, b) => terms.df(a.term) - terms.df(b.term) || a.term - b.term)
    .slice(0, limit);
}

/** The `k` best documents for `query` (already cut by {@link rarestTerms}), skipping `excluded`. */
export function rankDocs(
  source: LookupSource,
  query: QueryTerm[],
  k: number,
  excluded: (doc: number) => boolean,
  settings: SimilarSettings,
  scratch: Scratch,
): Scored[] {
  scratch.fit(source.docLength.length);
  const touchedCount = accumulate(source, query, settings, scratch);
  const { scores, touched } = scratch;
  const best = new TopK(k);
  for (let i = 0; i < touchedCount; i++) {
    const doc = touched[i];
    if (!excluded(doc)) best.offer(doc, scores[doc]);
    scores[doc] = 0;
  }
  return best.sorted();
}

function accumulate(
  source: LookupSource,
  query: QueryTerm[],
  settings: SimilarSettings,
  scratch: Scratch,
): number {
  const { k1, b, subjectWeight: sw, bodyWeight: bw } = settings;
  const fieldWeight = [0, sw, bw, sw + bw];
  const lengthScale = b / Math.max(1, source.averageLength);
  const { scores, touched } = scratch;
  let touchedCount = 0, budget = settings.maxPostingsPerQuery;
  for (const q of query) {
    if (budget <= 0) break;
    const df = source.terms.df(q.term);
    const idf = Math.log(1 + (source.docCount - df + 0.5) / (df + 0.5));
    const weight = idf * (q.fields & IN_SUBJECT ? 1 + settings.querySubjectBoost : 1);
    const page = source.postings.page(q.term), start = source.postings.start(q.term);
    const end = start + source.postings.length(q.term);
    const first = Math.max(start, end - budget); // newest postings when the budget runs short
    budget -= end - first;
    for (let at = end - 1; at >= first; at--) {
      const posting = page[at], doc = posting >>> 2;
      const tf = fieldWeight[posting & (IN_SUBJECT | IN_BODY)];
      const norm = k1 * (1 - b + lengthScale * source.docLength[doc]);
      if (scores[doc] === 0) touched[touchedCount++] = doc;
      scores[doc] += weight * tf * (k1 + 1) / (tf + norm);
    }
  }
  return touchedCount;
}
