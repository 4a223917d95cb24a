/**
 * The projector: a durable JetStream consumer feeding a {@link BatchApplier}. Messages are
 * batched by what is already waiting (one event when idle, up to `batchSize` under load) and
 * applied only in stream order without holes (`continuity.ts`). Whatever ends or stalls the
 * consumer (a NATS error, its leader moving, a lost delivery) reopens it right after the position
 * stored in Postgres, with back-off, until {@link TicketProjector.stop}.
 * @module
 */
import type {
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
} from "@nats-io/jetstream";
import { ALL_TICKETS_SUBJECT } from "@ticketd/shared/events/tickets.ts";
import { BatchApplier, type BatchApplierDeps } from "./batch_applier.ts";
import { orderBatch } from "./continuity.ts";
import { ensureProjectorConsumer } from "./projector_consumer.ts";
import type { ProjectionWatch } from "./projection_watch.ts";
import { readModelPosition } from "./read_model_position.ts";
import { type StallWatch, watchForStalls } from "./stall_watch.ts";

export interface ProjectorDeps extends BatchApplierDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  batchSize: number;
  watch: ProjectionWatch;
  /** How often the stall check runs; a stall is two checks without progress. Default 5 s. */
  stallCheckMs?: number;
}

const IDLE = Symbol("idle");
const STALL_CHECK_MS = 5_000;
const MAX_REOPEN_DELAY_MS = 10_000;

interface Stopping {
  done: boolean;
  signal: Promise<void>;
  stop(): void;
}

/** Runs from {@link start} until {@link stop}; can be started again after a stop. */
export class TicketProjector {
  #messages: ConsumerMessages | null = null;
  #done: Promise<void> | null = null;
  #stopping = stopping();
  #position = 0;
  #applying = false;
  /** Why the stall watch closed the consumer, or null. */
  #closedBecause: string | null = null;
  #stalls: StallWatch | null = null;
  readonly #applier: BatchApplier;

  constructor(private readonly deps: ProjectorDeps) {
    this.#applier = new BatchApplier(deps, (position) => this.#advanced(position));
  }

  /** Opens the consumer (failing if it cannot), then projects in the background. */
  async start(): Promise<void> {
    this.#stopping = stopping();
    const messages = await this.#open(false);
    this.#done = this.#supervise(messages);
  }

  /** Stops taking messages; a batch being retried is abandoned (it will be redelivered). */
  async stop(): Promise<void> {
    this.#stopping.stop();
    await this.#messages?.close().catch(() => {});
    await this.#done;
  }

  /** Reads the stored position and opens the durable consumer right after it. */
  async #open(fresh: boolean): Promise<ConsumerMessages> {
    const { deps } = this;
    this.#position = await readModelPosition(deps.sql, deps.name);
    deps.watch.advance(this.#position);
    await ensureProjectorConsumer(deps.jsm, deps.stream, deps.name, this.#position, fresh);
    const consumer = await deps.js.consumers.get(deps.stream, deps.name);
    this.#closedBecause = null;
    this.#stalls?.reset();
    // A deleted consumer ends the iterator (the client would retry it forever): #supervise reopens.
    this.#messages = await consumer.consume({
      max_messages: deps.batchSize * 2,
      abort_on_missing_resource: true,
    });
    return this.#messages;
  }

  async #supervise(messages: ConsumerMessages): Promise<void> {
    this.#stalls = watchForStalls({
      position: () => this.#position,
      busy: () => this.#applying,
      nextStored: (from) => this.#nextStored(from),
      stalled: (position) => this.#closeStalled(position),
    }, this.deps.stallCheckMs ?? STALL_CHECK_MS);
    try {
      for (let failures = 0;;) {
        const openedAt = this.#position;
        const ended = await this.#consume(messages).catch((error: Error) => error);
        if (this.#stopping.done) return;
        if (this.#position > openedAt) failures = 0;
        this.#reopening(ended);
        for (;;) {
          await this.#pause(Math.min(MAX_REOPEN_DELAY_MS, 100 * 2 ** failures++));
          if (this.#stopping.done) return;
          const opened = await this.#open(true).catch((error: Error) => error);
          if (!(opened instanceof Error)) {
            messages = opened;
            break;
          }
          this.#reopening(opened);
        }
        if (this.#stopping.done) {
          await messages.close().catch(() => {});
          return;
        }
      }
    } finally {
      this.#stalls.stop();
    }
  }

  /** Batches and applies deliveries until the consumer ends or a hole is found; says why. */
  async #consume(messages: ConsumerMessages): Promise<string> {
    const iterator = messages[Symbol.asyncIterator]();
    let next = iterator.next();
    for (;;) {
      const first = await next;
      if (first.done) return this.#closedBecause ?? "the consumer ended";
      const batch = [first.value];
      next = iterator.next();
      while (batch.length < this.deps.batchSize) {
        const more = await Promise.race([next, idle()]);
        if (more === IDLE || more.done) break;
        batch.push(more.value);
        next = iterator.next();
      }
      const missing = await this.#applyInOrder(batch.sort((a, b) => a.seq - b.seq));
      if (missing !== null) {
        next.catch(() => {}); // abandoned: the consumer is closed and reopened
        await messages.close().catch(() => {});
        return `delivery of stream sequence ${missing} is missing`;
      }
    }
  }

  /** Applies what follows the position without a hole; returns the first missing sequence. */
  async #applyInOrder(batch: JsMsg[]): Promise<number | null> {
    this.#applying = true;
    try {
      const nextStored = (from: number) => this.#nextStored(from);
      const { ready, stale, missing } = await orderBatch(batch, this.#position, nextStored);
      if (ready.length > 0) await this.#applier.apply(ready, this.#stopping);
      else stale.at(-1)?.ack(); // ack-all up to a position already applied
      return missing;
    } finally {
      this.#applying = false;
    }
  }

  #advanced(position: number): void {
    this.#position = Math.max(this.#position, position);
    this.deps.watch.advance(position);
  }

  /** The stream's next message at or after `from` (every message of TICKETS is the filter's). */
  async #nextStored(from: number): Promise<number | null> {
    const { jsm, stream } = this.deps;
    const found = await jsm.direct.getMessage(stream, {
      seq: from,
      next_by_subj: ALL_TICKETS_SUBJECT,
    });
    return found?.seq ?? null;
  }

  async #closeStalled(position: number): Promise<void> {
    this.#closedBecause = `no delivery after stream sequence ${position}`;
    await this.#messages?.close().catch(() => {});
  }

  #reopening(cause: string | Error): void {
    this.deps.log.warn("projector consumer ended; reopening after the stored position", {
      projector: this.deps.name,
      position: this.#position,
      cause: typeof cause === "string" ? cause : `${cause.name}: ${cause.message}`.slice(0, 200),
    });
  }

  #pause(ms: number): Promise<unknown> {
    return Promise.race([new Promise((resolve) => setTimeout(resolve, ms)), this.#stopping.signal]);
  }
}

function stopping(): Stopping {
  const { promise, resolve } = Promise.withResolvers<void>();
  const state: Stopping = {
    done: false,
    signal: promise,
    stop: () => (state.done = true, resolve()),
  };
  return state;
}

/** Resolves after pending I/O callbacks have run: "nothing more is waiting right now". */
function idle(): Promise<typeof IDLE> {
  return new Promise((resolve) => setTimeout(() => resolve(IDLE), 0));
}
