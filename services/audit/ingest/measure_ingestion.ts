/**
 * The ingestion path, measurable alone (for `deno task bench`): `count` ticket commits published
 * to a stream, then one {@link StreamIngester} writes them into an empty audit log; reports
 * entries per second of the catch-up and of the publishing that preceded it.
 * @module
 */
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { Sql } from "postgres";
import { encodeCommit, ticketSubject } from "@ticketd/shared/events/tickets.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { AuditStore } from "../store/audit_store.ts";
import { StreamIngester } from "./stream_ingester.ts";

export interface IngestionRate {
  entries: number;
  publishPerSecond: number;
  ingestPerSecond: number;
}

/** Publishes `count` commits to `stream` (subjects `tickets.>`), then times their ingestion. */
export async function measureIngestion(
  deps: { js: JetStreamClient; jsm: JetStreamManager; sql: Sql; log: Logger },
  { stream = "AUDIT_BENCH", count = 10_000, batchSize = 1_000, tenants = 8 } = {},
): Promise<IngestionRate> {
  await deps.jsm.streams.add({ name: stream, subjects: [`${stream.toLowerCase()}.tickets.>`] });
  await migrate(deps.sql, "audit", new URL("../migrations/", import.meta.url));
  const published = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const tenant = `t${i % tenants}`;
    const ticketId = String(1_000 + (i % 1_000));
    const data = encodeCommit({
      meta: {
        commandId: String(10_000 + i),
        tenant,
        ticketId,
        at: new Date().toISOString(),
        actorId: "agent-1",
        actorRole: "agent",
      },
      events: [{ type: "TicketPriorityChanged", data: { from: "normal", to: "high" } }],
    });
    pending.push(
      deps.js.publish(`${stream.toLowerCase()}.${ticketSubject(tenant, ticketId)}`, data),
    );
    if (pending.length === 1_000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const publishSeconds = (performance.now() - published) / 1000;
  const store = new AuditStore(deps.sql);
  const ingester = new StreamIngester({
    js: deps.js,
    jsm: deps.jsm,
    store,
    kind: "tickets",
    stream,
    batchSize,
    algOf: () => "SHA-256",
    committed: () => {},
    log: deps.log,
  });
  const started = performance.now();
  await ingester.start();
  while (ingester.position < count) await new Promise((resolve) => setTimeout(resolve, 5));
  const ingestSeconds = (performance.now() - started) / 1000;
  await ingester.stop();
  return {
    entries: count,
    publishPerSecond: Math.round(count / publishSeconds),
    ingestPerSecond: Math.round(count / ingestSeconds),
  };
}
