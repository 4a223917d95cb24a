/**
 * The feed of one source stream (the ticket stream, ROUTING or SESSIONS) into the outbox: a
 * durable ack-all consumer applied in order without holes (`consumeInOrder`), each batch turned
 * into deliveries for the tenant's enabled subscriptions whose patterns match, written with the
 * stream position in one transaction, and only then acknowledged. A redelivery at or below the
 * position is skipped, and the outbox's unique (subscription, event) key keeps anything from
 * being queued twice. A first start begins at the stream's end: old events are not sent. The
 * feed does no HTTP, so a slow endpoint can never hold it back.
 * @module
 */
import type {
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
} from "@nats-io/jetstream";
import type { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { nullIfMissing } from "@ticketd/shared/runtime/jetstream_missing.ts";
import { ensurePositionedConsumer } from "@ticketd/shared/runtime/positioned_consumer.ts";
import { ResilientConsumer } from "@ticketd/shared/runtime/resilient_consumer.ts";
import { consumeInOrder, WHOLE_STREAM } from "@ticketd/shared/runtime/resilient_consumer_order.ts";
import { type SourceKind, webhookEvents } from "../domain/webhook_events.ts";
import type { OutboxStore } from "../store/outbox.ts";
import type { SubscriptionStore } from "../store/subscriptions.ts";
import { deliveriesFor } from "./deliveries_for.ts";

export interface EventFeedDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  outbox: OutboxStore;
  subscriptions: SubscriptionStore;
  ids: SnowflakeGenerator;
  kind: SourceKind;
  stream: string;
  batchSize: number;
  /** Told after a commit that queued deliveries (wakes the dispatcher). */
  queued: () => void;
  log: Logger;
}

const MAX_BACK_OFF_MS = 30_000;
/** The longest wait between attempts to open: also how soon a stream created later is seen. */
const STREAM_WAIT_MS = 1_000;

export class EventFeed {
  #position = 0;
  #applying = false;
  readonly #consumer: ResilientConsumer;

  constructor(private readonly deps: EventFeedDeps) {
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
      },
      maxReopenDelayMs: STREAM_WAIT_MS,
    });
  }

  get stream(): string {
    return this.deps.stream;
  }
  /** The consumer's name: `webhooks-<stream>`. */
  get durable(): string {
    return `webhooks-${this.deps.stream.toLowerCase()}`;
  }
  /** The last stream sequence whose deliveries are committed. */
  get position(): number {
    return this.#position;
  }

  /** Starts in the background: waits for the stream to exist, then follows it. */
  start(): Promise<void> {
    return this.#consumer.start({ waiting: true });
  }

  async stop(): Promise<void> {
    await this.#consumer.stop();
  }

  /** Messages not yet turned into deliveries (null: the stream does not exist yet). */
  async lag(): Promise<number | null> {
    const info = await nullIfMissing(this.deps.jsm.streams.info(this.stream));
    return info ? Math.max(0, info.state.last_seq - this.#position) : null;
  }

  async #open(fresh: boolean): Promise<ConsumerMessages | null> {
    const { jsm, js, batchSize, outbox } = this.deps;
    const info = await nullIfMissing(jsm.streams.info(this.stream));
    if (!info) return null;
    this.#position = await outbox.position(this.stream) ??
      await outbox.startAt(this.stream, info.state.last_seq); // first start: new events only
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
          const events = fresh.flatMap((msg) => this.#events(msg));
          const deliveries = await deliveriesFor(events, this.deps.subscriptions, this.deps.ids);
          const lastSeq = fresh.at(-1)!.seq;
          const queued = await this.deps.outbox.commit(this.stream, lastSeq, deliveries);
          this.#position = lastSeq;
          if (queued > 0) this.deps.queued();
        }
        batch.at(-1)!.ack(); // ack-all: everything up to the last, which follow without a hole
        return;
      } catch (error) {
        const delayMs = Math.min(MAX_BACK_OFF_MS, 100 * 2 ** attempt);
        this.deps.log.error("webhook feed batch failed; retrying", {
          stream: this.stream,
          firstSeq: batch[0].seq,
          size: batch.length,
          attempt,
          delayMs,
          error: String((error as Error)?.message).slice(0, 200),
        });
        if (await this.#pause(delayMs)) return;
        this.#position = await this.deps.outbox.position(this.stream).catch(() => null) ??
          this.#position;
      }
    }
  }

  #events(msg: JsMsg) {
    try {
      return webhookEvents(this.deps.kind, {
        stream: msg.info.stream,
        seq: msg.seq,
        subject: msg.subject,
        data: msg.data,
        storedAt: new Date(Math.floor(msg.info.timestampNanos / 1e6)).toISOString(),
      });
    } catch (error) {
      // An event from a newer build: never misread, never retried forever.
      this.deps.log.error("webhook feed skipped an undecodable message", {
        stream: this.stream,
        seq: msg.seq,
        error: String((error as Error)?.message).slice(0, 200),
      });
      return [];
    }
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
