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
import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { StreamFeed } from "@ticketd/shared/runtime/stream_feed.ts";
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

/** The feed of `deps.stream` into the outbox; its consumer is `webhooks-<stream>`. */
export function eventFeed(deps: EventFeedDeps): StreamFeed {
  const { outbox, stream } = deps;
  return new StreamFeed({
    ...deps,
    durable: `webhooks-${stream.toLowerCase()}`,
    failureMessage: "webhook feed batch failed; retrying",
    // A first start begins at the stream's end: old events are not sent.
    load: async (streamEnd) =>
      await outbox.position(stream) ?? await outbox.startAt(stream, await streamEnd()),
    commit: async (fresh) => {
      const events = fresh.flatMap((msg) => eventsOf(msg, deps));
      const deliveries = await deliveriesFor(events, deps.subscriptions, deps.ids);
      const lastSeq = fresh.at(-1)!.seq;
      const queued = await outbox.commit(stream, lastSeq, deliveries);
      if (queued > 0) deps.queued();
      return lastSeq;
    },
  });
}

function eventsOf(msg: JsMsg, deps: EventFeedDeps) {
  try {
    return webhookEvents(deps.kind, {
      stream: msg.info.stream,
      seq: msg.seq,
      subject: msg.subject,
      data: msg.data,
      storedAt: new Date(Math.floor(msg.info.timestampNanos / 1e6)).toISOString(),
    });
  } catch (error) {
    // An event from a newer build: never misread, never retried forever.
    deps.log.error("webhook feed skipped an undecodable message", {
      stream: deps.stream,
      seq: msg.seq,
      error: String((error as Error)?.message).slice(0, 200),
    });
    return [];
  }
}
