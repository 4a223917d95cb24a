/**
 * A test bed for the reports service: a private nats-server with the TICKETS and ROUTING
 * streams, a fresh database (with routing's tables, where tenant time zones live), dev tokens,
 * helpers to publish ticket commits and SLA alarms at given times, and reports instances
 * started and stopped on demand. Used by `tests/reports_*_test.ts`.
 * @module
 */
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { jetstream, type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import postgres, { type Sql } from "postgres";
import {
  encodeRoutingEvent,
  type RoutingEvent,
  routingSubject,
  slaMessageId,
} from "@ticketd/shared/events/routing.ts";
import {
  encodeCommit,
  type Role,
  type TicketEvent,
  ticketSubject,
} from "@ticketd/shared/events/tickets.ts";
import { createVerifier } from "@ticketd/shared/http/auth.ts";
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  loadOrCreateDevKeys,
  mintDevToken,
} from "@ticketd/shared/http/dev_keys.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database.ts";
import { startTestNats, type TestNats } from "../../tests/support/nats.ts";
import { loadReportsConfig } from "./config.ts";
import { type ReportsService, startReportsService } from "./service.ts";

export interface ReportsTestBed {
  nats: TestNats;
  jsm: JetStreamManager;
  sql: Sql;
  /** Gives `tenant` a calendar in `timeZone`, as routing's SLA calendar does. */
  setTimeZone(tenant: string, timeZone: string): Promise<void>;
  startReports(): Promise<ReportsService>;
  /** Publishes one commit of `events` at `at` by `actorId`; returns its stream sequence. */
  commit(
    tenant: string,
    ticketId: string,
    at: string,
    events: TicketEvent[],
    actor?: { id: string; role: Role },
  ): Promise<number>;
  alarm(event: RoutingEvent): Promise<number>;
  token(tenant: string, role: Role, sub?: string): Promise<string>;
  stop(): Promise<void>;
}

let commandIds = 5_000;

/** Starts the bed; call `stop()` in a `finally`. */
export async function startReportsTestBed(): Promise<ReportsTestBed> {
  const nats: TestNats = await startTestNats();
  const db: TestDatabase = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "ticketd-reports-test-" });
  const nc = await connect({ servers: nats.url });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: "TICKETS", subjects: ["tickets.>"] });
  await jsm.streams.add({ name: "ROUTING", subjects: ["routing.events.>"] });
  const sql = postgres(db.url, { max: 4, transform: postgres.camel, onnotice: () => {} });
  await migrate(sql, "routing", new URL("../routing/migrations/", import.meta.url));
  const devKeys = await loadOrCreateDevKeys(dataDir);
  const verify = createVerifier({
    audience: DEV_AUDIENCE,
    issuer: DEV_ISSUER,
    jwks: { keys: [devKeys.publicJwk] },
  });
  const instances: { service: ReportsService; nc: NatsConnection }[] = [];
  return {
    nats,
    jsm,
    sql,
    async setTimeZone(tenant, timeZone) {
      await sql`insert into routing_sla_calendars (tenant, time_zone, hours)
        values (${tenant}, ${timeZone}, ${sql.json("24x7")})`;
    },
    async startReports() {
      const own = await connect({ servers: nats.url });
      const service = await startReportsService(loadReportsConfig({}), {
        nc: own,
        sql,
        verify,
        ticketStream: "TICKETS",
        log: createLogger("error", { service: "reports-test" }),
        leaseRetryMs: 200,
        now: () => new Date("2026-04-01T12:00:00Z"),
      });
      instances.push({ service, nc: own });
      return service;
    },
    async commit(tenant, ticketId, at, events, actor = { id: "agent-a", role: "agent" }) {
      const meta = {
        commandId: String(++commandIds),
        tenant,
        ticketId,
        at,
        actorId: actor.id,
        actorRole: actor.role,
      };
      return (await js.publish(ticketSubject(tenant, ticketId), encodeCommit({ meta, events })))
        .seq;
    },
    async alarm(event) {
      const subject = routingSubject(event.data.tenant, event.data.ticketId);
      return (await js.publish(subject, encodeRoutingEvent(event), { msgID: slaMessageId(event) }))
        .seq;
    },
    token: (tenant, role, sub = `${role}-1`) => mintDevToken(devKeys, { sub, tenant, role }),
    async stop() {
      for (const { service, nc } of instances) {
        await service.stop().catch(() => {});
        await nc.drain().catch(() => {});
      }
      await nc.drain().catch(() => {});
      await sql.end({ timeout: 5 });
      await db.drop();
      await nats.stop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** GETs `path` of `service` with a bearer `token`. */
export async function getReport(
  service: ReportsService,
  token: string,
  path: string,
): Promise<Response> {
  return await service.fetch(
    new Request(`http://reports.test${path}`, { headers: { authorization: `Bearer ${token}` } }),
  );
}
