/**
 * Routing reads every ticket commit from JetStream with an ordered consumer from the first
 * message: its state is derived from the stream, never stored. Commits up to `actedUpTo` (what
 * routing had already acted on, saved as it goes) are history: folded, not acted on. Later ones
 * are live, including those that arrived while routing was stopped. Should the consumer end or
 * fail, a new one starts right after the last commit folded ({@link ResilientConsumer}).
 * @module
 */
import {
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import { decodeCommit, type TicketCommit } from "@ticketd/shared/events/tickets.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { ResilientConsumer } from "@ticketd/shared/runtime/resilient_consumer.ts";

export interface FeedHandler {
  /** Called in stream order; `live` is false while replaying what was there at start. */
  commit(commit: TicketCommit, version: number, live: boolean): void;
  /** Called once, when the replay has reached the head the stream had at start. */
  caughtUp(): void;
}

export interface TicketFeed {
  /** The last stream sequence folded. */
  readonly position: number;
  /** Times the consumer was reopened after it ended or failed. */
  readonly reopens: number;
  /** Messages the stream holds beyond `position` (the routing lag), as of the last check. */
  lag(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts following `stream`; resolves once the consumer exists (the replay runs on). */
export async function followTickets(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  handler: FeedHandler,
  log: Logger,
  actedUpTo?: number,
): Promise<TicketFeed> {
  const head = (await jsm.streams.info(stream)).state.last_seq;
  // A first start acts on nothing already there: routing old tickets would surprise everyone.
  const liveAfter = actedUpTo ?? head;
  let position = 0;
  let caughtUp = false;
  const markCaughtUp = () => {
    if (caughtUp) return;
    caughtUp = true;
    log.info("routing caught up with the ticket stream", { position });
    handler.caughtUp();
  };
  if (head === 0) markCaughtUp();
  const fold = (msg: JsMsg) => {
    if (msg.seq <= position) return; // already folded before the consumer was reopened
    position = msg.seq;
    let commit: TicketCommit;
    try {
      commit = decodeCommit(msg.data);
    } catch (error) {
      // An event from a newer build: never misread; say so and go on with the rest.
      log.error("routing skipped an undecodable commit", { seq: msg.seq, error: String(error) });
      return;
    }
    try {
      handler.commit(commit, msg.seq, caughtUp || msg.seq > liveAfter);
    } catch (error) {
      log.error("routing failed on a commit", { seq: msg.seq, error: String(error) });
    }
    if (!caughtUp && msg.seq >= head) markCaughtUp();
  };
  const consumer = new ResilientConsumer({
    name: `routing ${stream}`,
    log,
    position: () => position,
    // Ordered and ephemeral: a reopen starts a new one right after the last commit folded.
    open: async () => {
      const ordered = await js.consumers.get(
        stream,
        position > 0
          ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 }
          : {},
      );
      return await ordered.consume({ max_messages: 1024 });
    },
    consume: async (messages) => {
      for await (const msg of messages) fold(msg);
    },
  });
  await consumer.start();
  return {
    get position() {
      return position;
    },
    get reopens() {
      return consumer.reopens;
    },
    async lag() {
      const last = (await jsm.streams.info(stream)).state.last_seq;
      return Math.max(0, last - position);
    },
    stop: () => consumer.stop(),
  };
}
