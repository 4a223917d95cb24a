/**
 * Ingests one source stream: a durable consumer, batches of what is already waiting (up to
 * `batchSize`), chained onto the heads kept in memory (one writer at a time holds the lease),
 * appended with the heads and the position in one transaction, then acknowledged (ack-all on the
 * last). Only deliveries that follow the stored position one after another (`seq == last + 1`:
 * audit reads the whole stream) are written and acked; at the first hole, or when the consumer
 * ends, fails or stalls, it is recreated right after the stored position
 * ({@link ResilientConsumer}). A redelivery at or below the position is skipped; a failed write is
 * retried with back-off after reloading heads and position from the database, never skipped.
 * @module
 */
import type {
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
} from "@nats-io/jetstream";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { ensurePositionedConsumer } from "@ticketd/shared/runtime/positioned_consumer.ts";
import { ResilientConsumer } from "@ticketd/shared/runtime/resilient_consumer.ts";
import { consumeInOrder, WHOLE_STREAM } from "@ticketd/shared/runtime/resilient_consumer_order.ts";
import { chainBatch, type ChainedBatch } from "../domain/chain_batch.ts";
import type { ChainHead, HashAlg } from "../domain/chain.ts";
import type { SourceKind } from "../domain/entry.ts";
import type { SourceMessage } from "../domain/source_entries.ts";
import type { AuditStore } from "../store/audit_store.ts";
import { streamExists } from "./source_stream.ts";

export interface StreamIngesterDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  store: AuditStore;
  kind: SourceKind;
  stream: string;
  batchSize: number;
  algOf: (tenant: string) => HashAlg;
  /** Told after each commit (the checkpointer counts entries per tenant). */
  committed: (batch: ChainedBatch) => void;
  log: Logger;
  /** How often the stall check runs (default 5 s). */
  stallCheckMs?: number;
}

const MAX_BACK_OFF_MS = 30_000;
/** The longest wait between attempts to open: also how soon a stream created later is seen. */
const STREAM_WAIT_MS = 1_000;

export class StreamIngester {
  #heads = new Map<string, ChainHead>();
  #position = 0;
  #written = 0;
  #applying = false;
  readonly #consumer: ResilientConsumer;

  constructor(private readonly deps: StreamIngesterDeps) {
    this.#consumer = new ResilientConsumer({
      name: this.durable,
      log: deps.log,
      position: () => this.#position,
      open: (reopening) => this.#open(reopening),
      consume: (messages) =>
        consumeInOrder(messages, {
          batchSize: deps.batchSize,
          position: () => this.#position,
          nextStored: WHOLE_STREAM,
          apply: (ready) => this.#apply(ready),
        }),
      stalls: {
        busy: () => this.#applying,
        nextStored: (from) => this.#lastSeq().then((last) => last >= from ? from : null),
        everyMs: deps.stallCheckMs,
      },
      maxReopenDelayMs: STREAM_WAIT_MS,
    });
  }

  get stream(): string {
    return this.deps.stream;
  }
  /** Entries this process wrote. */
  get written(): number {
    return this.#written;
  }
  /** The last source sequence committed. */
  get position(): number {
    return this.#position;
  }
  /** The consumer's name: `audit-<stream>`. */
  get durable(): string {
    return `audit-${this.deps.stream.toLowerCase()}`;
  }
  /** Times the consumer was recreated after it ended, failed, stalled or skipped a delivery. */
  get reopens(): number {
    return this.#consumer.reopens;
  }

  /** Starts in the background: waits for the stream to exist, then follows it. */
  start(): Promise<void> {
    return this.#consumer.start({ waiting: true });
  }

  async stop(): Promise<void> {
    await this.#consumer.stop();
  }

  /** Messages not yet written (null: the stream does not exist yet). */
  async lag(): Promise<number | null> {
    if (!(await streamExists(this.deps.jsm, this.stream))) return null;
    return Math.max(0, (await this.#lastSeq()) - this.#position);
  }

  /** Reloads heads and position, then (re)creates the consumer right after the position. */
  async #open(fresh: boolean): Promise<ConsumerMessages | null> {
    const { jsm, js, batchSize } = this.deps;
    if (!(await streamExists(jsm, this.stream))) return null;
    await this.#reload();
    // No subject filter: every message of the stream becomes an entry.
    await ensurePositionedConsumer(jsm, {
      stream: this.stream,
      name: this.durable,
      position: this.#position,
      maxAckPending: batchSize * 40,
    }, fresh);
    const consumer = await js.consumers.get(this.stream, this.durable);
    // A deleted consumer ends the iterator (the client would retry it forever): it is reopened.
    return await consumer.consume({ max_messages: batchSize * 2, abort_on_missing_resource: true });
  }

  /** Writes deliveries that follow the position, then acks the last (ack-all). */
  async #apply(ready: JsMsg[]): Promise<void> {
    this.#applying = true;
    try {
      await this.#write(ready);
    } finally {
      this.#applying = false;
    }
  }

  async #write(batch: JsMsg[]): Promise<void> {
    for (let attempt = 1; !this.#consumer.stopping.done; attempt++) {
      try {
        const fresh = batch.filter((msg) => msg.seq > this.#position).map(sourceMessage);
        if (fresh.length > 0) {
          const chained = chainBatch(this.deps.kind, fresh, this.#heads, this.deps.algOf);
          await this.deps.store.append(this.stream, chained);
          for (const [tenant, head] of chained.heads) this.#heads.set(tenant, head);
          this.#position = chained.lastSeq;
          this.#written += chained.entries.length;
          this.deps.committed(chained);
        }
        batch.at(-1)!.ack(); // ack-all: everything up to the last, which follow without a hole
        return;
      } catch (error) {
        const delayMs = Math.min(MAX_BACK_OFF_MS, 100 * 2 ** attempt);
        this.deps.log.error("audit batch failed; retrying", {
          stream: this.stream,
          firstSeq: batch[0].seq,
          size: batch.length,
          attempt,
          delayMs,
          error: String((error as Error)?.message).slice(0, 200),
        });
        if (await this.#pause(delayMs)) return;
        await this.#reload().catch(() => {});
      }
    }
  }

  async #reload(): Promise<void> {
    this.#heads = await this.deps.store.heads(this.stream);
    this.#position = await this.deps.store.position(this.stream);
  }

  async #lastSeq(): Promise<number> {
    return (await this.deps.jsm.streams.info(this.stream)).state.last_seq;
  }

  /** Waits `ms`; true when stopped meanwhile. */
  async #pause(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise((resolve) => timer = setTimeout(resolve, ms)),
      this.#consumer.stopping.signal,
    ]);
    clearTimeout(timer);
    return this.#consumer.stopping.done;
  }
}

function sourceMessage(msg: JsMsg): SourceMessage {
  return {
    stream: msg.info.stream,
    seq: msg.seq,
    subject: msg.subject,
    data: msg.data,
    storedAtMs: Math.floor(msg.info.timestampNanos / 1e6),
  };
}
