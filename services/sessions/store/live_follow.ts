/**
 * Following one conversation: subscribe to its live subject first, replay the log after the
 * seq the caller has, then deliver live events, all through one queue so nothing is lost,
 * repeated or reordered. A live event that skips ahead (two instances published, or a publish
 * was lost) makes the follower read the missing ones from the log before it.
 * @module
 */
import type { Msg, NatsConnection } from "@nats-io/nats-core";
import { conversationLiveSubject } from "@ticketd/shared/events/sessions.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { ConversationEvent } from "../conversation_port.ts";
import type { ConversationRef } from "../domain/conversation.ts";
import type { ConversationLog, LoggedEvent } from "./conversation_log.ts";

/** Header of a fanned-out event: the stream sequence of the message it was stored in. */
export const STREAM_SEQ_HEADER = "Sessions-Stream-Seq";

export interface FollowDeps {
  nc: NatsConnection;
  log: ConversationLog;
  logger?: Logger;
}

/** Delivers every event after `afterSeq`, then live ones; resolves once the replay is queued. */
export async function followConversation(
  deps: FollowDeps,
  ref: ConversationRef,
  afterSeq: number,
  onEvent: (event: ConversationEvent) => void,
): Promise<() => void> {
  const follower = new Follower(deps, ref, afterSeq, onEvent);
  const subscription = deps.nc.subscribe(
    conversationLiveSubject(ref.tenant, ref.conversationId),
    { callback: (error, msg) => error ? follower.fail(error) : follower.live(msg) },
  );
  await deps.nc.flush(); // the server has the subscription before the replay reads the log
  await follower.replay();
  return () => {
    follower.stop();
    subscription.unsubscribe();
  };
}

class Follower {
  #delivered: number;
  /** Stream sequence of the last event read from the log or delivered: where a gap read starts. */
  #streamSeq = 0;
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(
    private readonly deps: FollowDeps,
    private readonly ref: ConversationRef,
    afterSeq: number,
    private readonly onEvent: (event: ConversationEvent) => void,
  ) {
    this.#delivered = afterSeq;
  }

  replay(): Promise<void> {
    return this.#enqueue(() => this.#readLog());
  }

  live(msg: Msg): void {
    const streamSeq = Number(msg.headers?.get(STREAM_SEQ_HEADER) ?? 0);
    void this.#enqueue(async () => {
      const event = await this.deps.log.decode(this.ref, msg.data);
      if (event.seq > this.#delivered + 1) await this.#readLog(); // a gap: the log has it
      this.#take({ event, streamSeq });
    });
  }

  fail(error: Error): void {
    this.deps.logger?.warn("conversation follow subscription failed", { error: error.message });
  }

  stop(): void {
    this.#stopped = true;
  }

  async #readLog(): Promise<void> {
    for (const logged of await this.deps.log.read(this.ref, this.#streamSeq)) this.#take(logged);
  }

  #take({ event, streamSeq }: LoggedEvent): void {
    if (event.seq <= this.#delivered) {
      this.#streamSeq = Math.max(this.#streamSeq, streamSeq);
      return; // already delivered (or before what the caller has)
    }
    if (this.#stopped || event.seq !== this.#delivered + 1) return;
    this.#delivered = event.seq;
    this.#streamSeq = Math.max(this.#streamSeq, streamSeq);
    this.onEvent(event);
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(task).catch((error) => {
      this.deps.logger?.error("conversation follow failed", {
        tenant: this.ref.tenant,
        conversationId: this.ref.conversationId,
        error: String(error),
      });
    });
    return this.#queue;
  }
}
