/**
 * Follows a JetStream stream from the messages stored after it starts (new ones only), with an
 * ordered consumer. The start is pinned to the head's sequence + 1 rather than
 * `deliver_policy: new`: the client recreates an ordered consumer from its last delivered
 * sequence, and before any delivery that is 0, so a reset with `new` would replay the whole
 * stream and notify every old event again. A stream that does not exist yet (its owner has not
 * started) is waited for and then read from its first message.
 * @module
 */
import {
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import type { Logger } from "@ticketd/shared/log/logger.ts";

/** How often a missing stream is looked for again. */
export const MISSING_STREAM_RETRY_MS = 2_000;

export interface StreamFollower {
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
  let stopped = false;
  let stopConsuming = () => {};
  let wake = () => {};
  const run = async (head: number | null) => {
    while (head === null && !stopped) {
      await new Promise<void>((done) => {
        wake = done;
        setTimeout(done, MISSING_STREAM_RETRY_MS);
      });
      // A stream that appears after the start holds only new messages: all of them count.
      head = stopped ? null : (await headOf(jsm, stream)) === null ? null : 0;
    }
    if (stopped || head === null) return;
    const consumer = await js.consumers.get(stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: head + 1,
    });
    const messages = await consumer.consume({ max_messages: 1024 });
    stopConsuming = () => messages.stop();
    if (stopped) messages.stop();
    for await (const msg of messages) {
      try {
        await onMessage(msg);
      } catch (error) {
        log.error("notification feed failed on a message", {
          stream,
          seq: msg.seq,
          error: String(error),
        });
      }
    }
  };
  const head = await headOf(jsm, stream);
  if (head === null) log.warn("notification feed waits for a stream", { stream });
  const done = run(head).catch((error) => {
    log.error("notification feed stopped following a stream", { stream, error: String(error) });
  });
  return {
    async stop() {
      stopped = true;
      wake();
      stopConsuming();
      await done;
    },
  };
}

/** The stream's last sequence, or null when it does not exist. */
async function headOf(jsm: JetStreamManager, stream: string): Promise<number | null> {
  try {
    return (await jsm.streams.info(stream)).state.last_seq;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.status === 404) return null;
    throw error;
  }
}
