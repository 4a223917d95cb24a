/**
 * Similar tickets: the public surface of the in-memory, hash-only similar-ticket index.
 * @module
 */
export { type QueryOptions, SimilarIndex, type SimilarTicket } from "./similar_index.ts";
export { DEFAULT_SIMILAR_SETTINGS, type SimilarSettings } from "./settings.ts";
export { similarTokenHasher, type TokenHasher } from "./token_hasher.ts";
export type { TicketText } from "./ticket_terms.ts";
