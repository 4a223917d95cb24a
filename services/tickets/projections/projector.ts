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
import { readModelPosition } from "./read_model_position.ts";
import type { SearchProfiles } from "./search_profiles.ts";
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { documentTokens, type TenantTokenHasher } from "@ticketd/shared/search/tokens.ts";
import { ensureProjectorConsumer } from "./projector_consumer.ts";
import type { ProjectedEvent } from "./ticket_rows.ts";
import { setAside, writeBatch } from "./ticket_writer.ts";
import { type Poison, poisonOf } from "./failure.ts";
import type { ProjectionWatch } from "./projection_watch.ts";

export interface ProjectorDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  sql: Sql;
  envelope: Envelope;
  hashTokens: TenantTokenHasher;
  searchProfiles: SearchProfiles;
  stream: string;
  name: string;
  batchSize: number;
  maxTokens: number;
  watch: ProjectionWatch;
  log: Logger;
}

const IDLE = Symbol("idle");

/** Runs until {@link stop}; a failed write is retried with back-off, or set aside if it is the
 * data's fault (see `failure.ts`). */
export class TicketProjector {
  #messages: ConsumerMessages | null = null;
  #done: Promise<void> | null = null;
  #stopping = false;
  readonly #stopped = Promise.withResolvers<void>();

  constructor(private readonly deps: ProjectorDeps) {}

  async start(): Promise<void> {
    const { deps } = this;
    const position = await readModelPosition(deps.sql, deps.name);
    deps.watch.advance(position);
    await ensureProjectorConsumer(deps.jsm, deps.stream, deps.name, position);
    const consumer = await deps.js.consumers.get(deps.stream, deps.name);
    this.#messages = await consumer.consume({ max_messages: deps.batchSize * 2 });
    this.#done = this.#run(this.#messages);
  }

  /** Stops taking messages; a batch being retried is abandoned (it will be redelivered). */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#stopped.resolve();
    await this.#messages?.close();
    await this.#done;
  }

  async #run(messages: ConsumerMessages): Promise<void> {
    const iterator = messages[Symbol.asyncIterator]();
    let next = iterator.next();
    for (;;) {
      const first = await next;
      if (first.done) return; // read to the end: closing waits for the iterator to finish
      const batch = [first.value];
      next = iterator.next();
      while (batch.length < this.deps.batchSize) {
        const more = await Promise.race([next, idle()]);
        if (more === IDLE || more.done) break;
        batch.push(more.value);
        next = iterator.next();
      }
      batch.sort((a, b) => a.seq - b.seq);
      await this.#apply(batch);
    }
  }

  /**
   * Writes `batch`, retrying failures with back-off until {@link stop}. A failure that is the
   * data's fault is narrowed down by halving the batch, in order, until the one bad message is
   * found and set aside; the messages around it are written as usual.
   */
  async #apply(batch: JsMsg[]): Promise<void> {
    for (let attempt = 1; !this.#stopping; attempt++) {
      try {
        const events = await this.#project(batch);
        const position = await writeBatch(
          this.deps.sql,
          this.deps.name,
          events,
          this.deps.maxTokens,
        );
        await this.deps.searchProfiles.record(events.map((e) => e.meta.tenant));
        this.#committed(batch.at(-1)!, position);
        return;
      } catch (error) {
        const poison = poisonOf(error);
        if (poison && batch.length > 1) {
          const half = batch.length >> 1;
          await this.#apply(batch.slice(0, half));
          await this.#apply(batch.slice(half));
          return;
        }
        if (poison) return await this.#setAside(batch[0], poison);
        await this.#backOff(batch, attempt, error);
      }
    }
  }

  async #setAside(message: JsMsg, poison: Poison): Promise<void> {
    this.deps.log.error("event set aside: the read model cannot hold it", {
      projector: this.deps.name,
      seq: message.seq,
      code: poison.code,
    });
    await setAside(this.deps.sql, this.deps.name, message.seq, poison);
    this.#committed(message, message.seq);
  }

  #committed(last: JsMsg, position: number): void {
    last.ack(); // ack-all: everything up to `last`
    this.deps.watch.advance(position);
  }

  async #backOff(batch: JsMsg[], attempt: number, error: unknown): Promise<void> {
    const delayMs = Math.min(30_000, 100 * 2 ** attempt);
    this.deps.log.error("projection batch failed; retrying", {
      projector: this.deps.name,
      firstSeq: batch[0].seq,
      size: batch.length,
      attempt,
      delayMs,
      error: (error as Error)?.name,
      code: (error as { code?: string })?.code,
      message: String((error as Error)?.message).slice(0, 200),
    });
    await Promise.race([
      new Promise((resolve) => setTimeout(resolve, delayMs)),
      this.#stopped.promise,
    ]);
  }

  async #project(batch: JsMsg[]): Promise<ProjectedEvent[]> {
    const perMessage = await Promise.all(batch.map(async (msg) => {
      const { meta, events } = decodeCommit(msg.data);
      const scope = { tenant: meta.tenant, ticketId: meta.ticketId };
      return await Promise.all(events.map(async (event) => {
        const sealed = event.type === "TicketCreated"
          ? event.data.subject
          : event.type === "MessagePosted"
          ? event.data.body
          : null;
        // Erased text (its key destroyed) is not searchable any more, also after a rebuild.
        const text = sealed === null
          ? null
          : await this.deps.envelope.openUnlessErased(sealed, scope);
        const tokens = text === null ? [] : this.deps.hashTokens(meta.tenant, documentTokens(text));
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
