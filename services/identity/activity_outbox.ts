/**
 * The identity outbox: facts of changes made straight in the database (`deno task
 * identity:admin`) are inserted in the change's own transaction, so a change and its fact commit
 * or roll back together; the identity service publishes them to ACTIVITY at start and then every
 * `TICKETD_ACTIVITY_OUTBOX_INTERVAL_MS`, and deletes a row only after JetStream acked it. The
 * message id is the fact's (`activity:<id>`), so a row published twice (a crash between the ack
 * and the delete, two identity services draining at once) is stored once.
 * @module
 */
import type { Sql } from "postgres";
import type { JetStreamClient } from "@nats-io/jetstream";
import {
  type Activity,
  activityMessageId,
  activitySubject,
  decodeActivity,
  encodeActivity,
} from "@ticketd/shared/events/activity.ts";
import type { ActivitySettings } from "@ticketd/shared/activity/settings.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";

/** The recording service named in the subject: the facts are identity's. */
const SERVICE = "identity";
/** Rows published per round; the rest wait for the next round. */
const BATCH = 100;

/** Adds `fact` to the outbox on `tx` (the transaction of the change it describes). */
export async function enqueueActivity(tx: Sql, fact: Activity): Promise<void> {
  const encoded = new TextDecoder().decode(encodeActivity(fact)); // off the contract: throws
  await tx`
    insert into identity_activity_outbox (id, fact, subject)
    values (${fact.id}, ${encoded}, ${activitySubject(fact.tenant, SERVICE)})`;
}

export interface OutboxDrainDeps {
  sql: Sql;
  js: JetStreamClient;
  settings: Pick<ActivitySettings, "ackTimeoutMs" | "outboxIntervalMs">;
  log: Logger;
}

interface OutboxRow {
  id: string;
  fact: string;
  subject: string;
}

/** Publishes the outbox now and then on a timer until `stop()`. */
export function startOutboxDrain(deps: OutboxDrainDeps): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const round = () => {
    running = running.then(() => stopped ? 0 : drainOutbox(deps)).catch((error) =>
      deps.log.warn("activity outbox not drained; retrying", { error: String(error) })
    );
  };
  round();
  const timer = setInterval(round, deps.settings.outboxIntervalMs);
  Deno.unrefTimer(timer);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** One pass over the outbox, oldest first; the count published. Stops at the first failure. */
export async function drainOutbox(deps: OutboxDrainDeps): Promise<number> {
  let published = 0;
  for (;;) {
    const rows = await deps.sql<OutboxRow[]>`
      select id::text, fact, subject from identity_activity_outbox order by id limit ${BATCH}`;
    for (const row of rows) {
      const data = new TextEncoder().encode(row.fact);
      await deps.js.publish(row.subject, data, {
        msgID: activityMessageId(decodeActivity(data)),
        timeout: deps.settings.ackTimeoutMs,
      });
      await deps.sql`delete from identity_activity_outbox where id = ${row.id}`;
      published++;
    }
    if (rows.length < BATCH) return published;
  }
}
