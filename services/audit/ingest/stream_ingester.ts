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
import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { StreamFeed } from "@ticketd/shared/runtime/stream_feed.ts";
import { chainBatch, type ChainedBatch } from "../domain/chain_batch.ts";
import type { ChainHead, HashAlg } from "../domain/chain.ts";
import type { SourceKind } from "../domain/entry.ts";
import type { SourceMessage } from "../domain/source_entries.ts";
import type { AuditStore } from "../store/audit_store.ts";

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

export class StreamIngester {
  #heads = new Map<string, ChainHead>();
  #written = 0;
  readonly #feed: StreamFeed;

  constructor(private readonly deps: StreamIngesterDeps) {
    this.#feed = new StreamFeed({
      ...deps,
      durable: `audit-${deps.stream.toLowerCase()}`,
      failureMessage: "audit batch failed; retrying",
      load: () => this.#reload(),
      commit: (fresh) => this.#commit(fresh),
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
    return this.#feed.position;
  }
  /** The consumer's name: `audit-<stream>`. */
  get durable(): string {
    return this.#feed.durable;
  }
  /** Times the consumer was recreated after it ended, failed, stalled or skipped a delivery. */
  get reopens(): number {
    return this.#feed.reopens;
  }

  /** Starts in the background: waits for the stream to exist, then follows it. */
  start(): Promise<void> {
    return this.#feed.start();
  }

  stop(): Promise<void> {
    return this.#feed.stop();
  }

  /** Messages not yet written (null: the stream does not exist yet). */
  lag(): Promise<number | null> {
    return this.#feed.lag();
  }

  /** Heads and position from the database: on every open and after a failed write. */
  async #reload(): Promise<number> {
    this.#heads = await this.deps.store.heads(this.stream);
    return await this.deps.store.position(this.stream);
  }

  /** Chains the batch onto the heads and appends it with heads and position. */
  async #commit(fresh: JsMsg[]): Promise<number> {
    const chained = chainBatch(
      this.deps.kind,
      fresh.map(sourceMessage),
      this.#heads,
      this.deps.algOf,
    );
    await this.deps.store.append(this.stream, chained);
    for (const [tenant, head] of chained.heads) this.#heads.set(tenant, head);
    this.#written += chained.entries.length;
    this.deps.committed(chained);
    return chained.lastSeq;
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
