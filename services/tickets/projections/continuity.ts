/**
 * The projector applies the stream in order, without holes: a delivery is applied only if it is
 * the next stored message after the read model's position. A consumer leader killed mid-delivery
 * can lose deliveries the new leader counts as sent; the projector would otherwise apply the
 * later ones and its ack-all would acknowledge the lost ones unseen.
 * @module
 */

/** The next stored message's sequence at or after `from` (null: none yet, or not known). */
export type NextStored = (from: number) => Promise<number | null>;

export interface OrderedBatch<M> {
  /** Deliveries that follow the position one after another: apply these, then ack the last. */
  ready: M[];
  /** Deliveries at or below the position (redelivered): already applied. */
  stale: M[];
  /** The first sequence missing before a delivery (a lost delivery), or null. */
  missing: number | null;
}

/**
 * Splits a batch (sorted by `seq`) at the first hole after `position`. A jump in sequence is a
 * hole unless the stream itself says the next stored message is the delivered one (the messages
 * between were deleted); a store that cannot say counts as a hole, to be safe.
 */
export async function orderBatch<M extends { seq: number }>(
  batch: readonly M[],
  position: number,
  nextStored: NextStored,
): Promise<OrderedBatch<M>> {
  const ready: M[] = [];
  const stale: M[] = [];
  let expected = position + 1;
  for (const message of batch) {
    if (message.seq < expected) {
      if (message.seq <= position) stale.push(message);
      continue; // a repeat within the batch
    }
    if (message.seq > expected && (await nextStored(expected)) !== message.seq) {
      return { ready, stale, missing: expected };
    }
    ready.push(message);
    expected = message.seq + 1;
  }
  return { ready, stale, missing: null };
}
