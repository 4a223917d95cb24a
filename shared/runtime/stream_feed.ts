/**
 * One whole source stream followed into a store of the follower's own: a durable ack-all consumer
 * recreated right after the position the store holds ({@link ResilientConsumer}), batches applied
 * in order without holes (`consumeInOrder`), each committed with the position in one transaction
 * and only then acknowledged. A redelivery at or below the position is skipped; a failed commit is
 * retried with back-off after reloading the position, never skipped. Audit, webhooks and reports
 * each follow streams this way and differ only in `load` and `commit`.
 * @module
 */
import type {
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
} from "@nats-io/jetstream";
import type { Logger } from "../log/logger.ts";
import { nullIfMissing } from "./jetstream_missing.ts";
import { ensurePositionedConsumer } from "./positioned_consumer.ts";
import { ResilientConsumer } from "./resilient_consumer.ts";
import { consumeInOrder, WHOLE_STREAM } from "./resilient_consumer_order.ts";

export interface StreamFeedDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  /** The durable consumer's name. */
  durable: string;
  batchSize: number;
  log: Logger;
  /** The log line of a failed commit, e.g. "audit batch failed; retrying". */
  failureMessage: string;
  /** How often the stall check runs (the consumer's default when unset). */
  stallCheckMs?: number;
  /**
   * The stored position (and whatever the store keeps beside it), read on every open and after a
   * failed commit; `streamEnd` reads the stream's last sequence (where a first start may begin).
   */
  load: (streamEnd: () => Promise<number>) => Promise<number>;
  /**
   * Stores what the messages after the position make, with the position, in one transaction;
   * answers the position now stored.
   */
  commit: (fresh: JsMsg[]) => Promise<number>;
}

const MAX_BACK_OFF_MS = 30_000;
/** The longest wait between attempts to open: also how soon a stream created later is seen. */
const STREAM_WAIT_MS = 1_000;

export class StreamFeed {
  #position = 0;
  #applying = false;
  readonly #consumer: ResilientConsumer;

  constructor(private readonly deps: StreamFeedDeps) {
    this.#consumer = new ResilientConsumer({
      name: deps.durable,
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
        nextStored: (from) => this.lastSeq().then((last) => last >= from ? from : null),
        everyMs: deps.stallCheckMs,
      },
      maxReopenDelayMs: STREAM_WAIT_MS,
    });
  }

  get stream(): string {
    return this.deps.stream;
  }
  get durable(): string {
    return this.deps.durable;
  }
  /** The last stream sequence committed. */
  get position(): number {
    return this.#position;
  }
  /** Times the consumer was recreated after it ended, failed, stalled or skipped a delivery. */
  get reopens(): number {
    return this.#consumer.reopens;
  }

  /** Starts in the background: waits for the stream (another service makes it), then follows. */
  start(): Promise<void> {
    return this.#consumer.start({ waiting: true });
  }

  stop(): Promise<void> {
    return this.#consumer.stop();
  }

  /** The stream's last sequence (0: no stream yet). */
  async lastSeq(): Promise<number> {
    return (await this.#info())?.state.last_seq ?? 0;
  }

  /** Messages not yet committed (null: the stream does not exist yet). */
  async lag(): Promise<number | null> {
    const info = await this.#info();
    return info ? Math.max(0, info.state.last_seq - this.#position) : null;
  }

  #info() {
    return nullIfMissing(this.deps.jsm.streams.info(this.stream));
  }

  async #open(fresh: boolean): Promise<ConsumerMessages | null> {
    const { jsm, js, batchSize, durable } = this.deps;
    const info = await this.#info();
    if (!info) return null;
    this.#position = await this.deps.load(() => Promise.resolve(info.state.last_seq));
    // No subject filter: every message of the stream is followed.
    await ensurePositionedConsumer(jsm, {
      stream: this.stream,
      name: durable,
      position: this.#position,
      maxAckPending: batchSize * 40,
    }, fresh);
    const consumer = await js.consumers.get(this.stream, durable);
    // A deleted consumer ends the iterator (the client would retry it forever): it is reopened.
    return await consumer.consume({ max_messages: batchSize * 2, abort_on_missing_resource: true });
  }

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
        const fresh = batch.filter((msg) => msg.seq > this.#position);
        if (fresh.length > 0) {
          this.#position = await this.deps.commit(fresh);
        }
        batch.at(-1)!.ack(); // ack-all: everything up to the last, which follow without a hole
        return;
      } catch (error) {
        const delayMs = Math.min(MAX_BACK_OFF_MS, 100 * 2 ** attempt);
        this.deps.log.error(this.deps.failureMessage, {
          stream: this.stream,
          firstSeq: batch[0].seq,
          size: batch.length,
          attempt,
          delayMs,
          error: String((error as Error)?.message).slice(0, 200),
        });
        if (await this.#pause(delayMs)) return;
        this.#position = await this.deps.load(() => this.lastSeq()).catch(() => this.#position);
      }
    }
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
