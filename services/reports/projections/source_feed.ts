/**
 * One source stream folded into the reports: a durable ack-all consumer recreated right after
 * the position stored with the rows, batches applied in order without holes
 * (`consumeInOrder`), each written in one transaction and then acked. A failed write is retried
 * with back-off, never skipped. Feeds of one process write one at a time (`serial`): both touch
 * the same tickets' fold state.
 * @module
 */
import type {
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
} from "@nats-io/jetstream";
import type { Sql } from "postgres";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { nullIfMissing } from "@ticketd/shared/runtime/jetstream_missing.ts";
import { ensurePositionedConsumer } from "@ticketd/shared/runtime/positioned_consumer.ts";
import { ResilientConsumer } from "@ticketd/shared/runtime/resilient_consumer.ts";
import { consumeInOrder, WHOLE_STREAM } from "@ticketd/shared/runtime/resilient_consumer_order.ts";
import { unknownTicket } from "../domain/report_ticket.ts";
import { Tally } from "../domain/tally.ts";
import { type FoldInput, storedPosition, writeBatch } from "../store/report_writer.ts";

export interface SourceFeedDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  sql: Sql;
  stream: string;
  /** The durable consumer's name, e.g. `reports-tickets`. */
  durable: string;
  batchSize: number;
  decode: (msg: JsMsg) => FoldInput;
  /** Runs writes of all feeds one after another. */
  serial: <T>(work: () => Promise<T>) => Promise<T>;
  log: Logger;
}

const MAX_BACK_OFF_MS = 30_000;
const STREAM_WAIT_MS = 1_000;

export class SourceFeed {
  #position = 0;
  #applying = false;
  readonly #consumer: ResilientConsumer;

  constructor(private readonly deps: SourceFeedDeps) {
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
      },
      maxReopenDelayMs: STREAM_WAIT_MS,
    });
  }

  get stream(): string {
    return this.deps.stream;
  }
  /** The last stream sequence folded and stored. */
  get position(): number {
    return this.#position;
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
    return (await nullIfMissing(this.deps.jsm.streams.info(this.stream)))?.state.last_seq ?? 0;
  }

  async #open(fresh: boolean): Promise<ConsumerMessages | null> {
    const { jsm, js, sql, batchSize, durable } = this.deps;
    if (!(await nullIfMissing(jsm.streams.info(this.stream)))) return null;
    this.#position = await storedPosition(sql, this.stream);
    await ensurePositionedConsumer(jsm, {
      stream: this.stream,
      name: durable,
      position: this.#position,
      maxAckPending: batchSize * 40,
    }, fresh);
    const consumer = await js.consumers.get(this.stream, durable);
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
    const { sql, stream, serial, decode } = this.deps;
    for (let attempt = 1; !this.#consumer.stopping.done; attempt++) {
      try {
        const inputs = batch.filter((msg) => msg.seq > this.#position).map(decode);
        this.#position = await serial(() =>
          writeBatch(sql, stream, inputs, () => new Tally(), unknownTicket)
        );
        batch.at(-1)!.ack(); // ack-all: everything up to the last, which follow without a hole
        return;
      } catch (error) {
        const delayMs = Math.min(MAX_BACK_OFF_MS, 100 * 2 ** attempt);
        this.deps.log.error("reports batch failed; retrying", {
          stream,
          firstSeq: batch[0].seq,
          size: batch.length,
          attempt,
          delayMs,
          error: String((error as Error)?.message).slice(0, 200),
        });
        await this.#pause(delayMs);
        this.#position = await storedPosition(sql, stream).catch(() => this.#position);
      }
    }
  }

  async #pause(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise((resolve) => timer = setTimeout(resolve, ms)),
      this.#consumer.stopping.signal,
    ]);
    clearTimeout(timer);
  }
}
