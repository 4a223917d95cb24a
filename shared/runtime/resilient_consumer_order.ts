/**
 * A durable ack-all consumer is applied in stream order, without holes: a delivery is applied
 * only if it is the next stored message after the applied position. A consumer leader killed
 * mid-delivery can lose deliveries the new leader counts as sent; applying the later ones and
 * acking them (ack-all) would acknowledge the lost ones unseen. On a hole the consumer is closed
 * and {@link ResilientConsumer} reopens it right after the position.
 * @module
 */
import type { ConsumerMessages, JsMsg } from "@nats-io/jetstream";

/** The next stored message's sequence at or after `from` (null: none yet, or not known). */
export type NextStored = (from: number) => Promise<number | null>;

/** For a consumer of the whole stream: only `seq == position + 1` follows, any jump is a hole. */
export const WHOLE_STREAM: NextStored = () => Promise.resolve(null);

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
 * between were deleted or are not the consumer's); a store that cannot say counts as a hole.
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

export interface InOrderDeps {
  batchSize: number;
  /** The last sequence applied (and stored by the caller). */
  position(): number;
  nextStored: NextStored;
  /** Applies deliveries that follow the position and acks the last (ack-all). */
  apply(ready: JsMsg[]): Promise<void>;
}

/**
 * Applies batches (see {@link inBatches}) in order until the messages end or a hole is found;
 * says why it stopped. Redeliveries at or below the position are acked, not applied again.
 */
export async function consumeInOrder(
  messages: ConsumerMessages,
  deps: InOrderDeps,
): Promise<string> {
  for await (const batch of inBatches(messages, deps.batchSize)) {
    const { ready, stale, missing } = await orderBatch(batch, deps.position(), deps.nextStored);
    if (ready.length > 0) await deps.apply(ready);
    else stale.at(-1)?.ack(); // ack-all up to a position already applied
    if (missing !== null) return `delivery of stream sequence ${missing} is missing`;
  }
  return "the consumer ended";
}

const IDLE = Symbol("idle");

/**
 * Batches deliveries by what is already waiting: one when idle, up to `batchSize` under load,
 * each sorted by stream sequence.
 */
export async function* inBatches(
  messages: ConsumerMessages,
  batchSize: number,
): AsyncGenerator<JsMsg[]> {
  const iterator = messages[Symbol.asyncIterator]();
  // The next delivery is asked for before a batch is yielded, so it can fail (the consumer
  // deleted) while nobody awaits it yet, or ever (the caller stopped early): mark it handled at
  // once; whoever awaits it still gets the error.
  const pull = () => {
    const next = iterator.next();
    next.catch(() => {});
    return next;
  };
  let next = pull();
  for (;;) {
    const first = await next;
    if (first.done) return;
    const batch = [first.value];
    next = pull();
    while (batch.length < batchSize) {
      const more = await Promise.race([next, idle()]);
      if (more === IDLE || more.done) break;
      batch.push(more.value);
      next = pull();
    }
    yield batch.sort((a, b) => a.seq - b.seq);
  }
}

/** Resolves after pending I/O callbacks have run: "nothing more is waiting right now". */
function idle(): Promise<typeof IDLE> {
  return new Promise((resolve) => setTimeout(() => resolve(IDLE), 0));
}
