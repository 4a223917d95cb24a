/**
 * Ingests one source stream: a durable consumer, batches of what is already waiting (up to
 * `batchSize`), chained onto the heads kept in memory (one writer at a time holds the lease),
 * appended with the heads and the position in one transaction, then acknowledged (ack-all on the
 * last). A redelivery at or below the stored position is skipped; a failed write is retried with
 * back-off after reloading heads and position from the database, never skipped.
 * @module
 */
import type {
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
} from "@nats-io/jetstream";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { chainBatch, type ChainedBatch } from "../domain/chain_batch.ts";
import type { ChainHead, HashAlg } from "../domain/chain.ts";
import type { SourceKind } from "../domain/entry.ts";
import type { SourceMessage } from "../domain/source_entries.ts";
import type { AuditStore } from "../store/audit_store.ts";
import { ensureAuditConsumer, streamExists } from "./audit_consumer.ts";

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
}

const IDLE = Symbol("idle");

export class StreamIngester {
  #heads = new Map<string, ChainHead>();
  #position = 0;
  #written = 0;
  #messages: ConsumerMessages | null = null;
  #done: Promise<void> = Promise.resolve();
  #stopping = false;
  #stopped = Promise.withResolvers<void>();

  constructor(private readonly deps: StreamIngesterDeps) {}

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

  /** Starts in the background: waits for the stream to exist, then follows it. */
  start(): Promise<void> {
    this.#stopping = false;
    this.#stopped = Promise.withResolvers<void>();
    this.#done = this.#follow().catch((error) => {
      this.deps.log.error("audit ingestion stopped", { stream: this.stream, error: String(error) });
    });
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#stopped.resolve();
    await this.#messages?.close();
    await this.#done;
    this.#messages = null;
  }

  /** Messages not yet written: the consumer's pending plus unacknowledged deliveries. */
  async lag(): Promise<number | null> {
    if (!this.#messages) {
      if (!(await streamExists(this.deps.jsm, this.stream))) return null;
      const info = await this.deps.jsm.streams.info(this.stream);
      return Math.max(0, info.state.last_seq - this.#position);
    }
    const info = await this.deps.jsm.consumers.info(this.stream, this.durable);
    return info.num_pending + info.num_ack_pending;
  }

  async #follow(): Promise<void> {
    const { jsm, js, batchSize } = this.deps;
    while (!(await streamExists(jsm, this.stream))) {
      if (await this.#pause(1_000)) return;
    }
    await this.#reload();
    if (this.#stopping) return;
    await ensureAuditConsumer(jsm, this.stream, this.durable, this.#position, batchSize * 40);
    const consumer = await js.consumers.get(this.stream, this.durable);
    this.#messages = await consumer.consume({ max_messages: batchSize * 2 });
    const iterator = this.#messages[Symbol.asyncIterator]();
    let next = iterator.next();
    for (;;) {
      const first = await next;
      if (first.done) return;
      const batch = [first.value];
      next = iterator.next();
      while (batch.length < batchSize) {
        const more = await Promise.race([next, idle()]);
        if (more === IDLE || more.done) break;
        batch.push(more.value);
        next = iterator.next();
      }
      await this.#apply(batch);
    }
  }

  async #apply(batch: JsMsg[]): Promise<void> {
    batch.sort((a, b) => a.seq - b.seq);
    for (let attempt = 1; !this.#stopping; attempt++) {
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
        batch.at(-1)!.ack(); // ack-all: everything up to the last
        return;
      } catch (error) {
        const delayMs = Math.min(30_000, 100 * 2 ** attempt);
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

  /** Waits `ms`; true when stopped meanwhile. */
  async #pause(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise((resolve) => timer = setTimeout(resolve, ms)),
      this.#stopped.promise,
    ]);
    clearTimeout(timer);
    return this.#stopping;
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

/** Resolves after pending I/O callbacks have run: "nothing more is waiting right now". */
function idle(): Promise<typeof IDLE> {
  return new Promise((resolve) => setTimeout(() => resolve(IDLE), 0));
}
