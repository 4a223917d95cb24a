/**
 * One tenant's similar-ticket index: interned ticket ids, a term dictionary of keyed hashes,
 * postings per term and, per ticket, its own terms (to look up "similar to this ticket" and to
 * remove it for real). Everything lives in typed arrays; no object per posting.
 * @module
 */
import { IdTable } from "./id_table.ts";
import { ListArena } from "./list_arena.ts";
import { type LookupSource, type QueryTerm, rankDocs, rarestTerms, Scratch } from "./lookup.ts";
import type { SimilarSettings } from "./settings.ts";
import { TermTable } from "./term_table.ts";
import type { HashedTerms } from "./ticket_terms.ts";
import type { Scored } from "./top_k.ts";

const MAX_LENGTH = 0xffff;

export class TenantIndex implements LookupSource {
  readonly terms = new TermTable();
  readonly postings = new ListArena();
  /** Per document: `term << 2 | fields`. */
  readonly #own = new ListArena();
  readonly #ids = new IdTable();
  readonly #scratch = new Scratch();
  docLength = new Uint16Array(0);
  #freeDocs: number[] = [];
  #nextDoc = 0;
  #totalLength = 0;

  constructor(readonly settings: SimilarSettings) {}

  get docCount(): number {
    return this.#ids.size;
  }

  get averageLength(): number {
    return this.docCount === 0 ? 0 : this.#totalLength / this.docCount;
  }

  /** Indexes `id` with `text`, replacing what it had; the same terms again change nothing. */
  upsert(id: bigint, text: HashedTerms): void {
    let doc = this.#ids.get(id);
    const terms = this.#ownTerms(text);
    if (doc >= 0) {
      if (this.docLength[doc] === terms.length && this.#sameOwn(doc, terms.own)) return;
      this.#unindex(doc);
    } else {
      doc = this.#freeDocs.pop() ?? this.#nextDoc++;
      this.#ids.set(id, doc);
    }
    this.#index(doc, terms);
  }

  /** Removes `id` and every posting of it; false when it was not indexed. */
  remove(id: bigint): boolean {
    const doc = this.#ids.get(id);
    if (doc < 0) return false;
    this.#unindex(doc);
    this.#ids.delete(id);
    this.#freeDocs.push(doc);
    return true;
  }

  /** The `k` tickets most like indexed ticket `id` (never itself); [] when `id` is unknown. */
  similarTo(id: bigint, k: number): { ticketId: string; score: number }[] {
    const doc = this.#ids.get(id);
    if (doc < 0) return [];
    const own = this.#own, query: QueryTerm[] = [];
    const page = own.page(doc), start = own.start(doc), end = start + own.length(doc);
    for (let at = start; at < end; at++) query.push({ term: page[at] >>> 2, fields: page[at] & 3 });
    // A term only this ticket has (df 1) cannot find another ticket.
    return this.#ranked(rarestTerms(this, query, 2, this.settings.maxQueryTokens), k, [doc]);
  }

  /** The `k` tickets most like `text`, skipping `excluded` ids. */
  query(text: HashedTerms, k: number, excluded: bigint[]): { ticketId: string; score: number }[] {
    const query: QueryTerm[] = [];
    text.hashes.forEach((hash, i) => {
      const term = this.terms.find(hash);
      if (term >= 0) query.push({ term, fields: text.fields[i] });
    });
    const docs = excluded.map((id) => this.#ids.get(id)).filter((doc) => doc >= 0);
    return this.#ranked(rarestTerms(this, query, 1, this.settings.maxQueryTokens), k, docs);
  }

  bytes(): number {
    return Object.values(this.bytesByPart()).reduce((sum, bytes) => sum + bytes, 0);
  }

  /** Bytes held, by part: what the bench reports per ticket. */
  bytesByPart(): Record<string, number> {
    const scratch = this.#scratch.scores.byteLength + this.#scratch.touched.byteLength;
    return {
      postings: this.postings.bytes(),
      ticketTerms: this.#own.bytes(),
      termTable: this.terms.bytes(),
      ticketIds: this.#ids.bytes() + 4 * this.#freeDocs.length,
      docLengths: this.docLength.byteLength,
      scratch,
    };
  }

  #ranked(query: QueryTerm[], k: number, excludedDocs: number[]) {
    if (query.length === 0) return [];
    const skip = (doc: number) => excludedDocs.includes(doc);
    const scored: Scored[] = rankDocs(this, query, k, skip, this.settings, this.#scratch);
    return scored.map(({ doc, score }) => ({ ticketId: this.#ids.idOf(doc), score }));
  }

  /** A ticket's terms as `term << 2 | fields`; terms already stop-like are counted, not kept. */
  #ownTerms(text: HashedTerms): { own: Int32Array; length: number } {
    const own = new Int32Array(text.hashes.length);
    let kept = 0;
    text.hashes.forEach((hash, i) => {
      const term = this.terms.intern(hash);
      if (!this.terms.isStop(term)) own[kept++] = term << 2 | text.fields[i];
    });
    return { own: own.subarray(0, kept), length: text.hashes.length };
  }

  #sameOwn(doc: number, own: Int32Array): boolean {
    const length = this.#own.length(doc), start = this.#own.start(doc);
    if (length !== own.length) return false;
    const page = this.#own.page(doc);
    return own.every((entry, i) => page[start + i] === entry);
  }

  #index(doc: number, { own, length }: { own: Int32Array; length: number }): void {
    const ceiling = Math.max(this.settings.stopMinDocs, this.settings.stopFraction * this.docCount);
    for (const entry of own) {
      const term = entry >>> 2;
      const df = this.terms.addDf(term, 1);
      if (this.terms.isStop(term)) continue;
      if (df > ceiling || !this.postings.push(term, doc << 2 | (entry & 3))) {
        this.terms.markStop(term);
        this.postings.clear(term);
      }
    }
    this.#own.assign(doc, own);
    this.#growLengths(doc);
    this.docLength[doc] = Math.min(MAX_LENGTH, length);
    this.#totalLength += this.docLength[doc];
  }

  #unindex(doc: number): void {
    const page = this.#own.page(doc), start = this.#own.start(doc);
    for (let at = start; at < start + this.#own.length(doc); at++) {
      const term = page[at] >>> 2;
      this.terms.addDf(term, -1);
      if (!this.terms.isStop(term)) this.postings.remove(term, doc << 2 | (page[at] & 3));
    }
    this.#own.clear(doc);
    this.#totalLength -= this.docLength[doc];
    this.docLength[doc] = 0;
  }

  #growLengths(doc: number): void {
    if (doc < this.docLength.length) return;
    const bigger = new Uint16Array(Math.max(1024, this.docLength.length * 2));
    bigger.set(this.docLength);
    this.docLength = bigger;
  }
}
