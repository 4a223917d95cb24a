/**
 * One connected person's notifications, for the WebSocket layer: an agent's own subject, their
 * groups', their team's and the queues they see; a customer's own subject only. Checks each
 * notification is theirs, drops a repeat
 * (two feeds publishing the same event), and hands them to `deliver` one at a time. While
 * `deliver` is busy (a slow client), notifications wait in a bounded queue; when it is full the
 * oldest is dropped and counted, so one lagging socket never grows memory.
 * @module
 */
import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import { fail } from "@ticketd/shared/errors.ts";
import { TENANT } from "@ticketd/shared/http/auth.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { BoundedMap } from "./bounded_map.ts";
import {
  agentSubject,
  allQueuesSubject,
  customerSubject,
  groupSubject,
  type Notification,
  notificationSchema,
  queueSubject,
  RECIPIENT_TOKEN,
  teamSubject,
} from "./notification.ts";

/** Notifications waiting for a busy `deliver` before the oldest is dropped. */
export const DEFAULT_INBOX_QUEUE_SIZE = 256;
/** Notification ids an inbox remembers to drop repeats. */
export const DEFAULT_INBOX_SEEN_IDS = 1_024;

/**
 * Whose inbox: `agent` (the default) hears of their own tickets, their groups' and team's, and
 * with `queues` the queues they see (`groups`: no group and their groups, as an agent sees
 * tickets; `tenant`: every queue, for supervisors and admins). `customer`: only the tickets they
 * requested (`agentId` is then the customer's id; groups and queues are ignored).
 */
export type InboxRole = "agent" | "customer";

export interface InboxOptions {
  tenant: string;
  /** The person's id: the agent's, or the customer's when `role` is `customer`. */
  agentId: string;
  /** The agent's groups (the token's `groups`): unassigned tickets' alarms reach them here. */
  groupIds: readonly string[];
  role?: InboxRole;
  queues?: "groups" | "tenant";
  /** Sends one notification to the client; a returned promise holds the next one back. */
  deliver: (notification: Notification) => void | Promise<void>;
  queueSize?: number;
  seenIdsCapacity?: number;
  log?: Logger;
}

/** A connected agent's notification subscriptions and delivery queue. */
export class NotificationInbox {
  readonly #subscriptions: Subscription[] = [];
  readonly #queue: Notification[] = [];
  readonly #seen: BoundedMap<string, true>;
  readonly #groups: ReadonlySet<string>;
  #draining = false;
  #closed = false;
  /** Notifications dropped because the queue was full (oldest first). */
  dropped = 0;
  /** Notifications handed to `deliver`. */
  delivered = 0;
  /** Messages refused: not a notification, or not for this agent. */
  refused = 0;

  private constructor(private readonly options: InboxOptions) {
    this.#seen = new BoundedMap(options.seenIdsCapacity ?? DEFAULT_INBOX_SEEN_IDS);
    this.#groups = new Set(options.groupIds);
  }

  /** Subscribes; resolves once the server has the subscriptions (later notifications arrive). */
  static async open(nc: NatsConnection, options: InboxOptions): Promise<NotificationInbox> {
    const { tenant, agentId, groupIds } = options;
    if (!TENANT.test(tenant)) fail("invalid_tenant", `Tenant "${tenant}" is not a plain id`, 400);
    for (const id of [agentId, ...groupIds]) {
      if (!RECIPIENT_TOKEN.test(id)) {
        fail("invalid_recipient", `"${id.slice(0, 64)}" cannot receive notifications`, 400);
      }
    }
    const inbox = new NotificationInbox(options);
    for (const subject of new Set(inboxSubjects(options))) {
      inbox.#subscriptions.push(nc.subscribe(subject, {
        callback: (error, msg) => error ? undefined : inbox.#receive(msg.data),
      }));
    }
    await nc.flush();
    return inbox;
  }

  /** Notifications waiting for `deliver`. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Unsubscribes and forgets what was waiting; `deliver` is not called again. */
  close(): void {
    this.#closed = true;
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.#queue.length = 0;
  }

  #receive(data: Uint8Array): void {
    const notification = this.#parse(data);
    if (!notification) {
      this.refused++;
      return;
    }
    if (!this.#seen.firstSight(notification.id, true)) return;
    this.#queue.push(notification);
    const queueSize = this.options.queueSize ?? DEFAULT_INBOX_QUEUE_SIZE;
    if (this.#queue.length > queueSize) {
      this.#queue.shift();
      this.dropped++;
    }
    if (!this.#draining) void this.#drain();
  }

  /** The notification, or null when it is malformed or meant for someone else. */
  #parse(data: Uint8Array): Notification | null {
    let parsed;
    try {
      parsed = notificationSchema.safeParse(JSON.parse(new TextDecoder().decode(data)));
    } catch {
      return null;
    }
    if (!parsed.success) return null;
    const n = parsed.data;
    return n.tenant === this.options.tenant && this.#mine(n) ? n : null;
  }

  #mine(n: Notification): boolean {
    const { agentId, role, queues } = this.options;
    if (role === "customer") return n.customerId === agentId;
    if (n.queue !== undefined) {
      const group = n.queue.groupId;
      return queues === "tenant" ||
        (queues === "groups" && (group === null || this.#groups.has(group)));
    }
    return n.agentId === agentId || (n.groupId !== undefined && this.#groups.has(n.groupId)) ||
      n.team === true;
  }

  /** Delivers until the queue is empty; awaits only a `deliver` that returns a promise, so a
   * synchronous one never lets a burst pile up in the queue. */
  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const next = this.#queue.shift()!;
        this.delivered++;
        try {
          const sending = this.options.deliver(next);
          if (sending instanceof Promise) await sending;
        } catch (error) {
          this.options.log?.warn("notification delivery failed", { error: String(error) });
        }
      }
    } finally {
      this.#draining = false;
    }
  }
}

/** The subjects an inbox listens on. */
function inboxSubjects(options: InboxOptions): string[] {
  const { tenant, agentId, groupIds, queues } = options;
  if (options.role === "customer") return [customerSubject(tenant, agentId)];
  const queueSubjects = queues === "tenant"
    ? [allQueuesSubject(tenant)]
    : queues === "groups"
    ? [queueSubject(tenant, null), ...groupIds.map((g) => queueSubject(tenant, g))]
    : [];
  return [
    agentSubject(tenant, agentId),
    ...groupIds.map((g) => groupSubject(tenant, g)),
    teamSubject(tenant),
    ...queueSubjects,
  ];
}
