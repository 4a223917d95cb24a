/**
 * A batch of source messages of one stream chained onto the current heads: pure, so a replay
 * computes exactly what the live service wrote. The heads passed in are not changed; the new
 * heads of the chains the batch touched come back for the caller to keep once it has committed.
 * @module
 */
import { chain, type ChainedEntry, type ChainHead, EMPTY_HEAD, type HashAlg } from "./chain.ts";
import type { SourceKind } from "./entry.ts";
import { entryOf, type SourceMessage } from "./source_entries.ts";

export interface ChainedBatch {
  entries: ChainedEntry[];
  /** The new head of every chain (tenant) the batch added to. */
  heads: Map<string, ChainHead>;
  /** The last source sequence the batch covers. */
  lastSeq: number;
}

/** Chains `messages` (sorted by seq, already past the stored position) onto `heads`. */
export function chainBatch(
  kind: SourceKind,
  messages: readonly SourceMessage[],
  heads: ReadonlyMap<string, ChainHead>,
  algOf: (tenant: string) => HashAlg,
): ChainedBatch {
  const moved = new Map<string, ChainHead>();
  const entries: ChainedEntry[] = [];
  let lastSeq = 0;
  for (const message of messages) {
    const entry = entryOf(kind, message);
    const head = moved.get(entry.tenant) ?? heads.get(entry.tenant) ?? EMPTY_HEAD;
    const next = chain(head, entry, algOf(entry.tenant));
    entries.push(next.chained);
    moved.set(entry.tenant, next.head);
    lastSeq = message.seq;
  }
  return { entries, heads: moved, lastSeq };
}
