/**
 * A notification feed on a private nats-server for the tests: the two streams, a feed, a
 * publisher of commits, alarms and presence, and inboxes that collect what they are handed.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import {
  ALL_ROUTING_EVENTS_SUBJECT,
  encodeRoutingEvent,
  ROUTING_STREAM,
  type RoutingEvent,
  routingSubject,
} from "@ticketd/shared/events/routing.ts";
import {
  ALL_TICKETS_SUBJECT,
  encodeCommit,
  type TicketCommit,
  ticketSubject,
} from "@ticketd/shared/events/tickets.ts";
import { ensureStream } from "@ticketd/shared/eventstore/jetstream.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { withNats } from "../../../tests/support/nats.ts";
import type { Notification } from "./notification.ts";
import { NotificationFeed } from "./notification_feed.ts";
import { type InboxOptions, NotificationInbox } from "./notification_inbox.ts";

export interface Collected {
  inbox: NotificationInbox;
  received: Notification[];
  /** Resolves once `count` notifications arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<Notification[]>;
}

export interface FeedHarness {
  /** The connection inboxes and the raw subscribers use (not the feed's). */
  nc: NatsConnection;
  feed: NotificationFeed;
  /** Starts a second feed on its own connection (two sessions instances). */
  startAnotherFeed(): Promise<NotificationFeed>;
  commit(commit: TicketCommit): Promise<number>;
  alarm(event: RoutingEvent, messageId?: string): Promise<number>;
  presence(subject: string, change: unknown): Promise<void>;
  /** An inbox; `more` sets its role and queues (none by default, so counts stay exact). */
  inbox(
    tenant: string,
    agentId: string,
    groupIds?: string[],
    more?: Pick<InboxOptions, "role" | "queues">,
  ): Promise<Collected>;
}

export const log = createLogger("error", { service: "sessions-test" });

/** Runs `fn` against streams, one feed and a publisher on a throwaway nats-server. */
export function withFeed(
  fn: (h: FeedHarness) => Promise<void>,
  queuePushMs = 50,
): Promise<void> {
  return withNats(async (url) => {
    const connections: NatsConnection[] = [];
    const feeds: NotificationFeed[] = [];
    const open = async () => {
      const nc = await connect({ servers: url });
      connections.push(nc);
      return nc;
    };
    const startFeed = async () => {
      const feed = await NotificationFeed.start(await open(), { log, queuePushMs });
      feeds.push(feed);
      return feed;
    };
    const nc = await open();
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const settings = { duplicateWindowMs: 60_000 };
    await ensureStream(jsm, { name: "TICKETS", subjects: [ALL_TICKETS_SUBJECT], ...settings });
    await ensureStream(jsm, {
      name: ROUTING_STREAM,
      subjects: [ALL_ROUTING_EVENTS_SUBJECT],
      ...settings,
    });
    try {
      await fn({
        nc,
        feed: await startFeed(),
        startAnotherFeed: startFeed,
        commit: async (c) =>
          (await js.publish(ticketSubject(c.meta.tenant, c.meta.ticketId), encodeCommit(c))).seq,
        alarm: async (e, msgID) =>
          (await js.publish(routingSubject(e.data.tenant, e.data.ticketId), encodeRoutingEvent(e), {
            msgID,
          })).seq,
        presence: async (subject, change) => {
          nc.publish(subject, JSON.stringify(change));
          await nc.flush();
        },
        inbox: (tenant, agentId, groupIds = [], more = {}) =>
          collect(nc, { tenant, agentId, groupIds, ...more }),
      });
    } finally {
      for (const feed of feeds) await feed.stop();
      for (const c of connections) await c.close();
    }
  });
}

async function collect(
  nc: NatsConnection,
  options: Omit<InboxOptions, "deliver">,
): Promise<Collected> {
  const { agentId } = options;
  const received: Notification[] = [];
  let wake = () => {};
  const inbox = await NotificationInbox.open(nc, {
    ...options,
    deliver: (n) => {
      received.push(n);
      wake();
    },
  });
  const waitFor = async (count: number, timeoutMs = 3_000) => {
    const deadline = Date.now() + timeoutMs;
    while (received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`${agentId} got ${received.length} notifications, expected ${count}`);
      }
      await new Promise<void>((done) => {
        const timer = setTimeout(done, left);
        wake = () => {
          clearTimeout(timer);
          done();
        };
      });
    }
    return received;
  };
  return { inbox, received, waitFor };
}
