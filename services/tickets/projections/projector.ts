/**
 * The projector: a durable JetStream consumer feeding {@link writeBatch}. Messages are batched
 * by what is already waiting (one event when idle, up to `batchSize` under load), decrypted only
 * to compute search tokens, written in one transaction, then acknowledged (ack-all on the last).
 * @module
 */
import type {
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
} from "@nats-io/jetstream";
import type { Sql } from "postgres";
import { decodeCommit } from "@ticketd/shared/events/tickets.ts";
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { documentTokens, hashTokens } from "@ticketd/shared/search/tokens.ts";
import { ensureProjectorConsumer } from "./projector_consumer.ts";
import type { ProjectedEvent } from "./ticket_rows.ts";
import { writeBatch } from "./ticket_writer.ts";
import type { ProjectionWatch } from "./projection_watch.ts";

export interface ProjectorDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  sql: Sql;
  envelope: Envelope;
  searchKey: Uint8Array;
  stream: string;
  name: string;
  batchSize: number;
  maxTokens: number;
  watch: ProjectionWatch;
  log: Logger;
}

const IDLE = Symbol("idle");

/** Runs until {@link stop}; a failed write is retried with back-off, never skipped. */
export class TicketProjector {
  #messages: ConsumerMessages | null = null;
  #done: Promise<void> | null = null;

  constructor(private readonly deps: ProjectorDeps) {}

  async start(): Promise<void> {
    const { deps } = this;
    const [row] = await deps.sql<{ position: string }[]>`
      select position from projector_positions where name = ${deps.name}`;
    const position = Number(row?.position ?? 0);
    deps.watch.advance(position);
    await ensureProjectorConsumer(deps.jsm, deps.stream, deps.name, position);
    const consumer = await deps.js.consumers.get(deps.stream, deps.name);
    this.#messages = await consumer.consume({ max_messages: deps.batchSize * 2 });
    this.#done = this.#run(this.#messages);
  }

  async stop(): Promise<void> {
    await this.#messages?.close();
    await this.#done;
  }

  async #run(messages: ConsumerMessages): Promise<void> {
    const iterator = messages[Symbol.asyncIterator]();
    let next = iterator.next();
    for (;;) {
      const first = await next;
      if (first.done) return;
      const batch = [first.value];
      next = iterator.next();
      while (batch.length < this.deps.batchSize) {
        const more = await Promise.race([next, idle()]);
        if (more === IDLE || more.done) break;
        batch.push(more.value);
        next = iterator.next();
      }
      await this.#applyWithRetry(batch);
    }
  }

  async #applyWithRetry(batch: JsMsg[]): Promise<void> {
    batch.sort((a, b) => a.seq - b.seq);
    for (let attempt = 1;; attempt++) {
      try {
        const events = await this.#project(batch);
        const position = await writeBatch(
          this.deps.sql,
          this.deps.name,
          events,
          this.deps.maxTokens,
        );
        batch.at(-1)!.ack();
        this.deps.watch.advance(position);
        return;
      } catch (error) {
        const delayMs = Math.min(30_000, 100 * 2 ** attempt);
        this.deps.log.error("projection batch failed; retrying", {
          projector: this.deps.name,
          firstSeq: batch[0].seq,
          size: batch.length,
          attempt,
          delayMs,
          error: String(error),
        });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  async #project(batch: JsMsg[]): Promise<ProjectedEvent[]> {
    const perMessage = await Promise.all(batch.map(async (msg) => {
      const { meta, events } = decodeCommit(msg.data);
      const context = `${meta.tenant}/${meta.ticketId}`;
      return await Promise.all(events.map(async (event) => {
        const sealed = event.type === "TicketCreated"
          ? event.data.subject
          : event.type === "MessagePosted"
          ? event.data.body
          : null;
        const tokens = sealed === null ? [] : hashTokens(
          documentTokens(await this.deps.envelope.open(sealed, context)),
          this.deps.searchKey,
        );
        return { version: msg.seq, meta, event, tokens };
      }));
    }));
    return perMessage.flat();
  }
}

/** Resolves after pending I/O callbacks have run: "nothing more is waiting right now". */
function idle(): Promise<typeof IDLE> {
  return new Promise((resolve) => setTimeout(() => resolve(IDLE), 0));
}
