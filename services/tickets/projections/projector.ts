/**
 * The projector: a durable JetStream consumer feeding a {@link BatchApplier}. Messages are
 * batched by what is already waiting (one event when idle, up to `batchSize` under load) and
 * applied only in stream order without holes (`consumeInOrder`). Whatever ends or stalls the
 * consumer (a NATS error, its leader moving, a lost delivery) reopens it right after the position
 * stored in Postgres, with back-off ({@link ResilientConsumer}), until {@link TicketProjector.stop}.
 * @module
 */
import type { ConsumerMessages, JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { ALL_TICKETS_SUBJECT } from "@ticketd/shared/events/tickets.ts";
import { ensurePositionedConsumer } from "@ticketd/shared/runtime/positioned_consumer.ts";
import { ResilientConsumer } from "@ticketd/shared/runtime/resilient_consumer.ts";
import { consumeInOrder } from "@ticketd/shared/runtime/resilient_consumer_order.ts";
import { BatchApplier, type BatchApplierDeps } from "./batch_applier.ts";
import type { ProjectionWatch } from "./projection_watch.ts";
import { readModelPosition } from "./read_model_position.ts";

export interface ProjectorDeps extends BatchApplierDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  batchSize: number;
  watch: ProjectionWatch;
  /** How often the stall check runs; a stall is two checks without progress. Default 5 s. */
  stallCheckMs?: number;
}

/** Runs from {@link start} until {@link stop}; can be started again after a stop. */
export class TicketProjector {
  #position = 0;
  #applying = false;
  readonly #applier: BatchApplier;
  readonly #consumer: ResilientConsumer;

  constructor(private readonly deps: ProjectorDeps) {
    this.#applier = new BatchApplier(deps, (position) => this.#advanced(position));
    const nextStored = (from: number) => this.#nextStored(from);
    this.#consumer = new ResilientConsumer({
      name: `projector ${deps.name}`,
      log: deps.log,
      position: () => this.#position,
      open: (reopening) => this.#open(reopening),
      consume: (messages) =>
        consumeInOrder(messages, {
          batchSize: deps.batchSize,
          position: () => this.#position,
          nextStored,
          apply: (ready) => this.#apply(ready),
        }),
      stalls: { busy: () => this.#applying, nextStored, everyMs: deps.stallCheckMs },
    });
  }

  /** Times the consumer was reopened after it ended, failed or stalled. */
  get reopens(): number {
    return this.#consumer.reopens;
  }

  /** Opens the consumer (failing if it cannot), then projects in the background. */
  start(): Promise<void> {
    return this.#consumer.start();
  }

  /** Stops taking messages; a batch being retried is abandoned (it will be redelivered). */
  stop(): Promise<void> {
    return this.#consumer.stop();
  }

  /** Reads the stored position and opens the durable consumer right after it. */
  async #open(fresh: boolean): Promise<ConsumerMessages> {
    const { deps } = this;
    this.#position = await readModelPosition(deps.sql, deps.name);
    deps.watch.advance(this.#position);
    await ensurePositionedConsumer(deps.jsm, {
      stream: deps.stream,
      name: deps.name,
      position: this.#position,
      maxAckPending: 20_000,
      filterSubject: ALL_TICKETS_SUBJECT,
    }, fresh);
    const consumer = await deps.js.consumers.get(deps.stream, deps.name);
    // A deleted consumer ends the iterator (the client would retry it forever): it is reopened.
    return await consumer.consume({
      max_messages: deps.batchSize * 2,
      abort_on_missing_resource: true,
    });
  }

  async #apply(ready: Parameters<BatchApplier["apply"]>[0]): Promise<void> {
    this.#applying = true;
    try {
      await this.#applier.apply(ready, this.#consumer.stopping);
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
}
