/**
 * The outbox from the dispatcher's side: due deliveries (a few per endpoint, none of endpoints
 * that are busy or whose breaker is open), each attempt's outcome, the sweeps (fail what waited
 * too long, delete finished deliveries past their retention); and the delivery log the admin
 * API pages through and redelivers from.
 * @module
 */
import type { Sql } from "postgres";

export type DeliveryStatus = "pending" | "succeeded" | "failed";
/** Every status, in the order they are listed (the table's check constraint holds the same). */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ["pending", "succeeded", "failed"];

export interface DueDelivery {
  id: string;
  subscriptionId: string;
  tenant: string;
  eventId: string;
  payload: string;
  attempts: number;
  queuedAt: Date;
  url: string;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: Date | null;
}

export interface Outcome {
  statusCode: number | null;
  /** A code (`timeout`, `connection_failed`, `http_500`), never a receiver's text. */
  error: string | null;
  durationMs: number;
  at: Date;
}

export interface DeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date;
  createdAt: Date;
}

export class DeliveryStore {
  constructor(private readonly sql: Sql) {}

  /**
   * Up to `limit` due deliveries of enabled subscriptions, at most `perEndpoint` of each, oldest
   * first, leaving out `skip` (endpoints busy or refused by their breaker) and `inFlight`. Read a
   * few per subscription (an index walk each), so a long backlog of one endpoint costs nothing.
   */
  async due(
    now: Date,
    options: { limit: number; perEndpoint: number; skip: string[]; inFlight: string[] },
  ): Promise<DueDelivery[]> {
    return await this.sql<DueDelivery[]>`
      select d.id, d.subscription_id, d.tenant, d.event_id, d.payload, d.attempts, d.queued_at,
        s.url, s.secret_sealed, s.previous_secret_sealed, s.previous_secret_expires_at
      from webhook_subscriptions s
      cross join lateral (
        select * from webhook_deliveries
        where subscription_id = s.id and status = 'pending' and next_attempt_at <= ${now}
          and id <> all(${options.inFlight}::bigint[])
        order by next_attempt_at, id
        limit ${options.perEndpoint}
      ) d
      where s.enabled and s.id <> all(${options.skip}::bigint[])
      order by d.next_attempt_at, d.id
      limit ${options.limit}`;
  }

  /** Records one attempt; `next` is the retry time, or the final status. */
  async attempted(id: string, outcome: Outcome, next: Date | "succeeded" | "failed") {
    const status = next instanceof Date ? "pending" : next;
    const nextAt = next instanceof Date ? next : outcome.at;
    await this.sql`update webhook_deliveries set
        attempts = attempts + 1,
        status = ${status},
        next_attempt_at = ${nextAt},
        last_attempt_at = ${outcome.at},
        last_status_code = ${outcome.statusCode},
        last_error = ${outcome.error},
        last_duration_ms = ${outcome.durationMs}
      where id = ${id}`;
  }

  /** Fails pending deliveries queued before `before` (an endpoint that never came back). */
  async expire(before: Date): Promise<number> {
    const rows = await this.sql`update webhook_deliveries
      set status = 'failed', last_error = coalesce(last_error, 'expired')
      where status = 'pending' and queued_at < ${before} returning id`;
    return rows.length;
  }

  /** Deletes finished (succeeded or failed) deliveries made before `before`. */
  async prune(before: Date): Promise<number> {
    const rows = await this.sql`delete from webhook_deliveries
      where status <> 'pending' and created_at < ${before} returning id`;
    return rows.length;
  }

  /** A page of `subscriptionId`'s log, newest first, after the id `before` (keyset). */
  async page(
    subscriptionId: string,
    options: { before: string | null; limit: number; status?: DeliveryStatus },
  ): Promise<DeliveryRow[]> {
    const { before, limit, status } = options;
    return await this.sql<DeliveryRow[]>`
      select id, event_id, event_type, status, attempts, last_status_code, last_error,
        last_duration_ms, last_attempt_at, next_attempt_at, created_at
      from webhook_deliveries
      where subscription_id = ${subscriptionId}
        ${before === null ? this.sql`` : this.sql`and id < ${before}`}
        ${status ? this.sql`and status = ${status}` : this.sql``}
      order by id desc limit ${limit}`;
  }

  /** Queues `id` again with a fresh attempt budget; false if it is not `subscriptionId`'s. */
  async redeliver(subscriptionId: string, id: string, now: Date): Promise<boolean> {
    const rows = await this.sql`update webhook_deliveries set
        status = 'pending', attempts = 0, queued_at = ${now}, next_attempt_at = ${now}
      where subscription_id = ${subscriptionId} and id = ${id} returning id`;
    return rows.length > 0;
  }
}
