/**
 * The identity outbox: facts of changes made straight in the database (`deno task
 * identity:admin`) are inserted in the change's own transaction, so a change and its fact commit
 * or roll back together; the identity service publishes them to ACTIVITY at start and then every
 * `TICKETD_ACTIVITY_OUTBOX_INTERVAL_MS`, and deletes a row only after JetStream acked it. Before
 * its first publish a row gets its fact id from the service's own generator and keeps it (the
 * tool runs with the service's worker id, so its ids could equal a fact the service records in
 * the same millisecond, and the message id would drop one): a row published twice (a crash
 * between the ack and the delete, two identity services draining at once) is stored once.
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
  /** The service's snowflake generator: the published facts' ids. */
  nextId: () => string;
  settings: Pick<ActivitySettings, "ackTimeoutMs" | "outboxIntervalMs">;
  log: Logger;
}

interface OutboxRow {
  id: string;
  factId: string | null;
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
      select id::text, fact_id::text, fact, subject
      from identity_activity_outbox order by id limit ${BATCH}`;
    for (const row of rows) {
      const factId = row.factId ?? await assignFactId(deps, row.id);
      if (factId === null) continue; // another drainer published and deleted it meanwhile
      const fact = { ...decodeActivity(new TextEncoder().encode(row.fact)), id: factId };
      await deps.js.publish(row.subject, encodeActivity(fact), {
        msgID: activityMessageId(fact),
        timeout: deps.settings.ackTimeoutMs,
      });
      await deps.sql`delete from identity_activity_outbox where id = ${row.id}`;
      published++;
    }
    if (rows.length < BATCH) return published;
  }
}

/** The row's fact id, set now unless a concurrent drainer set it first; null if it is gone. */
async function assignFactId(deps: OutboxDrainDeps, rowId: string): Promise<string | null> {
  const [row] = await deps.sql<{ factId: string }[]>`
    update identity_activity_outbox set fact_id = coalesce(fact_id, ${deps.nextId()})
    where id = ${rowId} returning fact_id::text`;
  return row?.factId ?? null;
}
