/**
 * Follows a JetStream stream from the messages stored after it starts (new ones only), with an
 * ordered consumer. The start is pinned to the head's sequence + 1 rather than
 * `deliver_policy: new`: the client recreates an ordered consumer from its last delivered
 * sequence, and before any delivery that is 0, so a reset with `new` would replay the whole
 * stream and notify every old event again. A stream that does not exist yet (its owner has not
 * started) is waited for and then read from its first message. Should the consumer end or fail,
 * a new one starts right after the last message handled ({@link ResilientConsumer}).
 * @module
 */
import {
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { nullIfMissing } from "@ticketd/shared/runtime/jetstream_missing.ts";
import { ResilientConsumer } from "@ticketd/shared/runtime/resilient_consumer.ts";

/** How often a missing stream is looked for again (and the longest wait to reopen). */
export const MISSING_STREAM_RETRY_MS = 2_000;

export interface StreamFollower {
  readonly stream: string;
  /** The last sequence handled (at first the head the stream had at start; 0 without one). */
  readonly position: number;
  /** Times the consumer was reopened after it ended or failed. */
  readonly reopens: number;
  stop(): Promise<void>;
}

/** Calls `onMessage` for each message stored from now on, one at a time, in stream order. */
export async function followNewMessages(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  onMessage: (msg: JsMsg) => Promise<void>,
  log: Logger,
): Promise<StreamFollower> {
  /** The last sequence handled (at first the head); null while the stream does not exist. */
  let after = await headOf(jsm, stream);
  if (after === null) log.warn("notification feed waits for a stream", { stream });
  const consumer = new ResilientConsumer({
    name: `notifications ${stream}`,
    log,
    position: () => after ?? 0,
    open: async () => {
      // A stream that appears after the start holds only new messages: all of them count.
      after ??= (await headOf(jsm, stream)) === null ? null : 0;
      if (after === null) return null;
      const ordered = await js.consumers.get(stream, {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: after + 1,
      });
      return await ordered.consume({ max_messages: 1024 });
    },
    consume: async (messages) => {
      for await (const msg of messages) {
        if (msg.seq <= (after ?? 0)) continue; // handled before the consumer was reopened
        after = msg.seq;
        await onMessage(msg).catch((error) => {
          log.error("notification feed failed on a message", {
            stream,
            seq: msg.seq,
            error: String(error),
          });
        });
      }
    },
    maxReopenDelayMs: MISSING_STREAM_RETRY_MS,
  });
  await consumer.start({ waiting: true });
  return {
    stream,
    get position() {
      return after ?? 0;
    },
    get reopens() {
      return consumer.reopens;
    },
    stop: () => consumer.stop(),
  };
}

/** The stream's last sequence, or null when it does not exist. */
async function headOf(jsm: JetStreamManager, stream: string): Promise<number | null> {
  return (await nullIfMissing(jsm.streams.info(stream)))?.state.last_seq ?? null;
}
