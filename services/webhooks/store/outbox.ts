/**
 * The outbox, `webhook_deliveries`, from the feed's side: a batch of deliveries and the stream
 * position written in one transaction (the feed acknowledges the stream only after it), each
 * delivery once per subscription and event (`unique (subscription_id, event_id)`: a redelivered
 * message enqueues nothing twice).
 * @module
 */
import type { Sql } from "postgres";

export interface QueuedDelivery {
  id: string;
  subscriptionId: string;
  tenant: string;
  eventId: string;
  eventType: string;
  payload: string;
}

// 6 columns a row: well under PostgreSQL's 65,535 parameters.
const INSERT_CHUNK = 5_000;

export class OutboxStore {
  constructor(private readonly sql: Sql) {}

  /** Queues `deliveries` and moves `stream`'s position to `lastSeq`, all or nothing. */
  async commit(stream: string, lastSeq: number, deliveries: QueuedDelivery[]): Promise<number> {
    return await this.sql.begin(async (tx) => {
      let queued = 0;
      for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
        const rows = await tx`insert into webhook_deliveries
          ${tx(deliveries.slice(i, i + INSERT_CHUNK))}
          on conflict (subscription_id, event_id) do nothing returning id`;
        queued += rows.length;
      }
      await tx`insert into webhook_feed_positions (stream, seq) values (${stream}, ${lastSeq})
        on conflict (stream) do update set seq = excluded.seq`;
      return queued;
    });
  }

  /** The last sequence of `stream` handled, or null before the first start. */
  async position(stream: string): Promise<number | null> {
    const [row] = await this.sql<{ seq: string }[]>`
      select seq from webhook_feed_positions where stream = ${stream}`;
    return row ? Number(row.seq) : null;
  }

  /** Records `seq` as the starting point unless one is stored; returns the stored one. */
  async startAt(stream: string, seq: number): Promise<number> {
    await this.sql`insert into webhook_feed_positions (stream, seq) values (${stream}, ${seq})
      on conflict (stream) do nothing`;
    return (await this.position(stream))!;
  }
}
