/**
 * A JetStream consumer that resumes on its own. Whatever ends it (its consumer deleted, a
 * NATS error, the server restarting, a hole found, a stall seen) stops it and opens it again
 * with back-off, logging each reopen as a structured warning and counting it in `reopens`, until
 * {@link ResilientConsumer.stop}. Where to resume is the caller's: `open` recreates the consumer
 * after what it has applied; `consume` takes deliveries (see `resilient_consumer_order.ts` for
 * applying an ack-all consumer in order without holes).
 *
 * ```ts
 * const consumer = new ResilientConsumer({
 *   name: "audit-tickets",
 *   log,
 *   position: () => applied,
 *   open: async () => await (await js.consumers.get("TICKETS", "audit-tickets")).consume(),
 *   consume: (messages) => consumeInOrder(messages, { batchSize, position, nextStored, apply }),
 * });
 * await consumer.start();
 * ```
 * @module
 */
import type { ConsumerMessages } from "@nats-io/jetstream";
import type { Logger } from "../log/logger.ts";
import { type StallWatch, watchForStalls } from "./resilient_consumer_stalls.ts";
import { RuntimeError } from "./runtime_error.ts";

export interface ResilientConsumerDeps {
  /** Names the consumer in logs. */
  name: string;
  log: Logger;
  /** The last stream sequence applied: logged, and progress resets the back-off. */
  position(): number;
  /**
   * Opens the consumer; `reopening` after it ended, failed or stalled (trust nothing of it).
   * Null: its stream does not exist yet (another service creates it); tried again quietly.
   */
  open(reopening: boolean): Promise<ConsumerMessages | null>;
  /** Takes deliveries until the messages end; may say why it stopped (a hole) or throw. */
  consume(messages: ConsumerMessages): Promise<string | void>;
  /** Watch a durable consumer for stalls (deliveries lost with a consumer leader). */
  stalls?: {
    /** True while a batch is being applied: no progress is expected then. */
    busy(): boolean;
    nextStored(from: number): Promise<number | null>;
    /** Default 5 s; a stall is two checks without progress. */
    everyMs?: number;
  };
  /** The longest wait between open attempts. Default 10 s. */
  maxReopenDelayMs?: number;
}

/** Seen by work that retries (a batch write): give up when the consumer stops. */
export interface Stopping {
  readonly done: boolean;
  readonly signal: Promise<void>;
}

const STALL_CHECK_MS = 5_000;
const MAX_REOPEN_DELAY_MS = 10_000;
const FIRST_REOPEN_DELAY_MS = 100;

/** Runs from {@link start} until {@link stop}; can be started again after a stop. */
export class ResilientConsumer {
  #reopens = 0;
  #messages: ConsumerMessages | null = null;
  #done: Promise<void> = Promise.resolve();
  #stopping = stopping();
  /** Why the consumer was closed from outside (a stall), or null. */
  #closedBecause: string | null = null;
  #stalls: StallWatch | null = null;

  constructor(private readonly deps: ResilientConsumerDeps) {}

  /** Times the consumer was opened again after it ended, failed or stalled. */
  get reopens(): number {
    return this.#reopens;
  }

  get stopping(): Stopping {
    return this.#stopping;
  }

  /**
   * Opens the consumer (failing if it cannot), then consumes in the background. With `waiting`,
   * resolves at once and opens in the background too, retrying with back-off (quietly while
   * `open` says the stream is not there yet).
   */
  async start({ waiting = false } = {}): Promise<void> {
    this.#stopping = stopping();
    if (waiting) {
      this.#done = this.#openRetrying(false, 0).then((opened) => {
        if (opened) return this.#supervise(...opened);
      });
      return;
    }
    const messages = await this.#open(false);
    if (!messages) {
      throw new RuntimeError("stream_missing", `Cannot open "${this.deps.name}": no stream yet`);
    }
    this.#done = this.#supervise(messages, 0);
  }

  /**
   * Stops taking messages and waits for the one being handled. (Messages are stopped, never
   * awaited closing: `close()` of messages not yet iterated never resolves.)
   */
  async stop(): Promise<void> {
    this.#stopping.stop();
    this.#messages?.stop();
    await this.#done;
    this.#messages = null;
  }

  async #open(reopening: boolean): Promise<ConsumerMessages | null> {
    this.#closedBecause = null;
    this.#stalls?.reset();
    this.#messages = await this.deps.open(reopening);
    return this.#messages;
  }

  async #supervise(messages: ConsumerMessages, failures: number): Promise<void> {
    const { stalls } = this.deps;
    this.#stalls = stalls
      ? watchForStalls({
        position: () => this.deps.position(),
        busy: () => stalls.busy(),
        nextStored: (from) => stalls.nextStored(from),
        stalled: (position) => this.#close(`no delivery after stream sequence ${position}`),
      }, stalls.everyMs ?? STALL_CHECK_MS)
      : null;
    try {
      for (;;) {
        const openedAt = this.deps.position();
        const ended = await this.deps.consume(messages).catch((error: Error) => error);
        messages.stop();
        if (this.#stopping.done) return;
        if (this.deps.position() > openedAt) failures = 0;
        this.#reopening(this.#closedBecause ?? ended ?? "the consumer ended", true);
        const reopened = await this.#openRetrying(true, failures);
        if (reopened === null) return;
        [messages, failures] = reopened;
      }
    } finally {
      this.#stalls?.stop();
      this.#stalls = null;
    }
  }

  /** Opens (again) with back-off; null when stopped meanwhile. */
  async #openRetrying(
    reopening: boolean,
    failures: number,
  ): Promise<[ConsumerMessages, number] | null> {
    const maxDelay = this.deps.maxReopenDelayMs ?? MAX_REOPEN_DELAY_MS;
    for (let attempt = 0;; attempt++) {
      if (reopening || attempt > 0) {
        await this.#pause(Math.min(maxDelay, FIRST_REOPEN_DELAY_MS * 2 ** failures++));
      }
      if (this.#stopping.done) return null;
      const opened = await this.#open(reopening).catch((error: Error) => error);
      if (opened instanceof Error) this.#reopening(opened, reopening);
      if (!opened || opened instanceof Error) continue;
      if (reopening) this.#reopens++;
      if (!this.#stopping.done) return [opened, failures];
      opened.stop();
      return null;
    }
  }

  /** Closes the consumer from outside; the supervisor reopens it. */
  #close(because: string): void {
    this.#closedBecause = because;
    this.#messages?.stop();
  }

  #reopening(cause: string | Error, reopening: boolean): void {
    const what = reopening ? "consumer ended; reopening it" : "consumer cannot open yet; retrying";
    this.deps.log.warn(what, {
      consumer: this.deps.name,
      position: this.deps.position(),
      reopens: this.#reopens,
      cause: typeof cause === "string" ? cause : `${cause.name}: ${cause.message}`.slice(0, 200),
    });
  }

  async #pause(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise((resolve) => timer = setTimeout(resolve, ms)),
      this.#stopping.signal,
    ]);
    clearTimeout(timer);
  }
}

function stopping(): Stopping & { done: boolean; stop(): void } {
  const { promise, resolve } = Promise.withResolvers<void>();
  const state = {
    done: false,
    signal: promise,
    stop: () => (state.done = true, resolve()),
  };
  return state;
}
