/**
 * Queue changes gathered for `windowMs` and published as one `queue` notification per audience:
 * an import of 10,000 tickets into a group is one message per window on the group's subject,
 * not 10,000, and each agent's console reads its queue again at most once per window. NATS fans
 * the one message out to the inboxes; no work here grows with the number of agents.
 * @module
 */
import { type Audience, audienceKey, type Notification, notificationId } from "./notification.ts";

/** How long queue changes are gathered before they are pushed (`TICKETD_SESSIONS_QUEUE_PUSH_MS`). */
export const DEFAULT_QUEUE_PUSH_MS = 500;

interface Pending {
  tenant: string;
  audience: Audience;
  /** The only ticket changed, while there is one; null once several are. */
  ticketId: string | null;
  changes: number;
  firstSeq: number;
  lastSeq: number;
  at: string;
}

/** Gathers queue changes and hands each window's notifications to `publish`. */
export class QueueBatch {
  readonly #pending = new Map<string, Pending>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly publish: (notification: Notification) => void,
  ) {}

  /** Records that commit `seq` (at `at`) on `ticketId` changed the queues of `audiences`. */
  add(tenant: string, ticketId: string, seq: number, at: string, audiences: Audience[]): void {
    for (const audience of audiences) {
      const key = `${tenant}|${audienceKey(audience)}`;
      const known = this.#pending.get(key);
      if (!known) {
        this.#pending.set(key, {
          tenant,
          audience,
          ticketId,
          changes: 1,
          firstSeq: seq,
          lastSeq: seq,
          at,
        });
        continue;
      }
      if (known.ticketId !== ticketId) known.ticketId = null;
      known.changes++;
      known.lastSeq = seq;
      known.at = at;
    }
    if (this.#pending.size > 0 && this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flush(), this.windowMs);
    }
  }

  /** Publishes what is gathered now (also on stop, so nothing gathered is lost). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const p of this.#pending.values()) this.publish(queueNotification(p));
    this.#pending.clear();
  }
}

function queueNotification(p: Pending): Notification {
  const sourceKey = `queue:${p.tenant}:${p.firstSeq}-${p.lastSeq}`;
  return {
    id: notificationId(sourceKey, p.audience),
    ...p.audience,
    tenant: p.tenant,
    kind: "queue",
    ...(p.ticketId === null ? {} : { ticketId: p.ticketId }),
    at: p.at,
    sourceSeq: p.lastSeq,
    data: { changes: p.changes },
  };
}
