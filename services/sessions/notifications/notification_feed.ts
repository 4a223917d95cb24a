/**
 * The notification feed: on one NATS connection it follows the `TICKETS` and `ROUTING` streams
 * (new messages only) and the presence subjects, turns what happens into per-agent
 * notifications (`notification_rules.ts`) and publishes each on core NATS
 * (`sessions.notify.<tenant>.…`), where whichever sessions instance holds the agent's socket
 * picks it up with a `NotificationInbox`. A notification id seen before is not published again.
 * @module
 */
import { jetstream, jetstreamManager, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import { z } from "zod";
import { decodeRoutingEvent, ROUTING_STREAM } from "@ticketd/shared/events/routing.ts";
import { decodeCommit } from "@ticketd/shared/events/tickets.ts";
import { JetStreamEventStore } from "@ticketd/shared/eventstore/jetstream.ts";
import { TENANT } from "@ticketd/shared/http/auth.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { BoundedMap } from "./bounded_map.ts";
import { type Notification, RECIPIENT_TOKEN, subjectOf } from "./notification.ts";
import {
  commitNotifications,
  type PresenceChange,
  presenceNotification,
  slaNotification,
} from "./notification_rules.ts";
import { DEFAULT_QUEUE_PUSH_MS, QueueBatch } from "./queue_batch.ts";
import { changesQueueRow, queueAudiences } from "./queue_rules.ts";
import { followNewMessages, type StreamFollower } from "./stream_follower.ts";
import { DEFAULT_ASSIGNMENT_CAPACITY, TicketAssignments } from "./ticket_assignments.ts";

/** Notification ids remembered against a second publication of the same source event. */
export const DEFAULT_SENT_IDS_CAPACITY = 65_536;
/** Agents whose last presence status is remembered (a repeated status is not news). */
export const DEFAULT_PRESENCE_CAPACITY = 100_000;
/** The presence subjects routing publishes on: `routing.presence.<tenant>.<agentId>`. */
export const PRESENCE_SUBJECTS = "routing.presence.*.*";

export interface NotificationFeedOptions {
  /** The ticket stream's name (default `TICKETS`). */
  ticketStream?: string;
  /** The routing stream's name (default `ROUTING`). */
  routingStream?: string;
  assignmentCapacity?: number;
  sentIdsCapacity?: number;
  presenceCapacity?: number;
  /** Queue changes are gathered this long into one notification per audience. */
  queuePushMs?: number;
  log: Logger;
}

/** What the feed has done, for logs, health and tests. */
export interface FeedCounts {
  published: number;
  /** Notifications not published again because their id was already sent. */
  duplicates: number;
  /** Messages that could not be decoded (a newer build's event, foreign data). */
  undecodable: number;
  /** Assignment reads from a ticket's history (tickets not seen since the start). */
  lookups: number;
}

const presenceChange = z.object({
  tenant: z.string().regex(TENANT),
  agentId: z.string().regex(RECIPIENT_TOKEN),
  status: z.enum(["online", "away", "offline"]),
  at: z.iso.datetime(),
});

/** Follows tickets, SLA alarms and presence; publishes notifications until stopped. */
export class NotificationFeed {
  readonly #sent: BoundedMap<string, true>;
  readonly #presence: BoundedMap<string, string>;
  readonly #counts = { published: 0, duplicates: 0, undecodable: 0 };
  readonly #queues: QueueBatch;
  #followers: StreamFollower[] = [];
  #presenceSub: Subscription | undefined;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly assignments: TicketAssignments,
    private readonly options: NotificationFeedOptions,
  ) {
    this.#sent = new BoundedMap(options.sentIdsCapacity ?? DEFAULT_SENT_IDS_CAPACITY);
    this.#presence = new BoundedMap(options.presenceCapacity ?? DEFAULT_PRESENCE_CAPACITY);
    this.#queues = new QueueBatch(
      options.queuePushMs ?? DEFAULT_QUEUE_PUSH_MS,
      (n) => this.#publish(n),
    );
  }

  /** Starts following; resolves once every source is subscribed (later events are seen). */
  static async start(
    nc: NatsConnection,
    options: NotificationFeedOptions,
  ): Promise<NotificationFeed> {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const ticketStream = options.ticketStream ?? "TICKETS";
    const store = new JetStreamEventStore(js, jsm, ticketStream);
    const capacity = options.assignmentCapacity ?? DEFAULT_ASSIGNMENT_CAPACITY;
    const feed = new NotificationFeed(nc, new TicketAssignments(store, capacity), options);
    feed.#presenceSub = nc.subscribe(PRESENCE_SUBJECTS, {
      callback: (error, msg) => error ? undefined : feed.#onPresence(msg.subject, msg.data),
    });
    const { log } = options;
    const routingStream = options.routingStream ?? ROUTING_STREAM;
    feed.#followers = await Promise.all([
      followNewMessages(js, jsm, ticketStream, (msg) => feed.#onCommit(msg), log),
      followNewMessages(js, jsm, routingStream, (msg) => feed.#onAlarm(msg), log),
    ]);
    await nc.flush(); // the presence subscription is registered with the server
    return feed;
  }

  /** What each followed stream has been handled up to (for the lag in `/metrics`). */
  get followers(): readonly StreamFollower[] {
    return this.#followers;
  }

  get counts(): FeedCounts {
    return { ...this.#counts, lookups: this.assignments.lookups };
  }

  async stop(): Promise<void> {
    this.#presenceSub?.unsubscribe();
    await Promise.all(this.#followers.map((f) => f.stop()));
    this.#followers = [];
    this.#queues.flush();
  }

  async #onCommit(msg: JsMsg): Promise<void> {
    const commit = this.#decode(msg, decodeCommit);
    if (!commit) return;
    const { tenant, ticketId } = commit.meta;
    const before = commit.events[0]?.type === "TicketCreated"
      ? null
      : await this.assignments.before(tenant, ticketId, msg.seq);
    const { notifications, after } = commitNotifications(commit, msg.seq, before);
    this.assignments.remember(tenant, ticketId, after);
    for (const notification of notifications) this.#publish(notification);
    const told = new Set(notifications.filter((n) => n.kind === "assigned").map((n) => n.agentId!));
    const queues = queueAudiences(before, after, told, changesQueueRow(commit.events));
    if (queues.length) this.#queues.add(tenant, ticketId, msg.seq, commit.meta.at, queues);
  }

  async #onAlarm(msg: JsMsg): Promise<void> {
    const event = this.#decode(msg, decodeRoutingEvent);
    if (!event) return;
    const { tenant, ticketId } = event.data;
    const assignment = await this.assignments.before(tenant, ticketId, Number.POSITIVE_INFINITY);
    const at = new Date(msg.info.timestampNanos / 1_000_000).toISOString();
    const notification = slaNotification(event, msg.seq, at, assignment);
    if (notification) this.#publish(notification);
  }

  #onPresence(subject: string, data: Uint8Array): void {
    let change: PresenceChange;
    try {
      change = presenceChange.parse(JSON.parse(new TextDecoder().decode(data)));
    } catch {
      this.#counts.undecodable++;
      return;
    }
    // The subject names tenant and agent; a body claiming another is not believed.
    const [, , tenant, agentId] = subject.split(".");
    if (change.tenant !== tenant || change.agentId !== agentId) {
      this.#counts.undecodable++;
      return;
    }
    // Two routing instances both publish each change: a status already told is not news.
    const key = `${tenant}/${agentId}`;
    if (this.#presence.get(key) === change.status) return;
    this.#presence.set(key, change.status);
    this.#publish(presenceNotification(change));
  }

  #decode<T>(msg: JsMsg, decode: (bytes: Uint8Array) => T): T | null {
    try {
      return decode(msg.data);
    } catch (error) {
      this.#counts.undecodable++;
      this.options.log.warn("notification feed skipped an undecodable message", {
        subject: msg.subject,
        seq: msg.seq,
        error: String(error),
      });
      return null;
    }
  }

  #publish(notification: Notification): void {
    if (!this.#sent.firstSight(notification.id, true)) {
      this.#counts.duplicates++;
      return;
    }
    this.nc.publish(subjectOf(notification), JSON.stringify(notification));
    this.#counts.published++;
  }
}
