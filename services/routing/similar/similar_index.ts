/**
 * Similar past tickets, per tenant, over subjects and bodies held only as keyed token hashes
 * (see docs/routing-similar.md for what the index reveals). In memory, no I/O: the routing
 * service feeds it from ticket events and rebuilds it from the stream at start.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import { ticketIdValue } from "./id_table.ts";
import { DEFAULT_SIMILAR_SETTINGS, type SimilarSettings } from "./settings.ts";
import { TenantIndex } from "./tenant_index.ts";
import { hashedTerms, type TicketText } from "./ticket_terms.ts";
import type { TokenHasher } from "./token_hasher.ts";

/** One similar ticket: its id and its BM25 score (higher is closer; comparable within a lookup). */
export interface SimilarTicket {
  ticketId: string;
  score: number;
}

export interface QueryOptions {
  /** Ticket ids never to return (e.g. the ticket being written, or ones already shown). */
  exclude?: Iterable<string>;
}

const MAX_K = 100;

export class SimilarIndex {
  readonly settings: SimilarSettings;
  #tenants = new Map<string, TenantIndex>();

  constructor(readonly hasher: TokenHasher, settings: Partial<SimilarSettings> = {}) {
    this.settings = { ...DEFAULT_SIMILAR_SETTINGS, ...settings };
  }

  /** Indexes (or re-indexes) a ticket's subject and body. */
  upsert(tenant: string, ticketId: string, text: TicketText): void {
    const id = ticketIdValue(ticketId);
    const terms = hashedTerms(this.hasher, tenant, text, this.settings.maxDocTokens);
    this.#tenant(tenant, true)!.upsert(id, terms);
  }

  /** Removes a ticket and all its postings (erasure); false when it was not indexed. */
  remove(tenant: string, ticketId: string): boolean {
    const removed = this.#tenant(tenant)?.remove(ticketIdValue(ticketId)) ?? false;
    if (removed && this.size(tenant) === 0) this.#tenants.delete(tenant);
    return removed;
  }

  /** The `k` tickets of `tenant` most like indexed ticket `ticketId`; [] when it is not indexed. */
  similarTo(tenant: string, ticketId: string, k: number): SimilarTicket[] {
    const id = ticketIdValue(ticketId);
    return this.#tenant(tenant)?.similarTo(id, checkedK(k)) ?? [];
  }

  /** The `k` tickets of `tenant` most like `text` (a ticket not indexed yet, a bot's question). */
  query(tenant: string, text: TicketText, k: number, options: QueryOptions = {}): SimilarTicket[] {
    const index = this.#tenant(tenant);
    if (!index) return [];
    const excluded = [...options.exclude ?? []].map(ticketIdValue);
    const terms = hashedTerms(this.hasher, tenant, text, this.settings.maxDocTokens);
    return index.query(terms, checkedK(k), excluded);
  }

  /** How many tickets of `tenant` are indexed. */
  size(tenant: string): number {
    return this.#tenant(tenant)?.docCount ?? 0;
  }

  /** Bytes held by the typed arrays of every tenant's index. */
  memoryBytes(): number {
    let bytes = 0;
    for (const index of this.#tenants.values()) bytes += index.bytes();
    return bytes;
  }

  /** Bytes held by `tenant`'s index, by part (postings, ticket terms, term table, ...). */
  memoryByPart(tenant: string): Record<string, number> {
    return this.#tenant(tenant)?.bytesByPart() ?? {};
  }

  #tenant(tenant: string, create = false): TenantIndex | undefined {
    let index = this.#tenants.get(tenant);
    if (!index && create) this.#tenants.set(tenant, index = new TenantIndex(this.settings));
    return index;
  }
}

function checkedK(k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
    fail(
      "invalid_k",
      `The number of similar tickets must be an integer from 1 to ${MAX_K}, got ${k}`,
    );
  }
  return k;
}
