/**
 * A test bed for the audit service: a private nats-server with the four source streams, a fresh
 * database, dev tokens, helpers to publish source messages, and audit instances started and
 * stopped on demand. Used by `tests/audit_*_test.ts`.
 * @module
 */
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import {
  jetstream,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
} from "@nats-io/jetstream";
import postgres, { type Sql } from "postgres";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import {
  type Activity,
  activityMessageId,
  activitySubject,
  encodeActivity,
} from "@ticketd/shared/events/activity.ts";
import { encodeCommit, type Role, ticketSubject } from "@ticketd/shared/events/tickets.ts";
import { createVerifier } from "@ticketd/shared/http/auth.ts";
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  loadOrCreateDevKeys,
  mintDevToken,
} from "@ticketd/shared/http/dev_keys.ts";
import { createLogger, type Logger } from "@ticketd/shared/log/logger.ts";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database.ts";
import { startTestNats, type TestNats } from "../../tests/support/nats.ts";
import { loadAuditConfig } from "./config.ts";
import { type AuditService, sourceStreams, startAuditService } from "./service.ts";

export const TEST_TICKET_STREAM = "TICKETS";
const SUBJECTS: Record<string, string> = {
  TICKETS: "tickets.>",
  SESSIONS: "sessions.events.>",
  ROUTING: "routing.events.>",
  ACTIVITY: "activity.>",
};

export interface AuditTestBed {
  nats: TestNats;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  db: TestDatabase;
  sql: Sql;
  dataDir: string;
  /** Starts an audit instance on its own NATS connection (`gm` tenants: `TICKETD_TENANT_PROFILES`). */
  startAudit(env?: Record<string, string>, log?: Logger): Promise<AuditService>;
  /** Publishes a one-event ticket commit; returns its stream sequence. */
  publishCommit(tenant: string, ticketId: string, options?: CommitOptions): Promise<number>;
  publishActivity(fact: Activity): Promise<number>;
  token(tenant: string, role: Role, sub?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface CommitOptions {
  actorId?: string;
  at?: string;
  ip?: string;
}

let commandIds = 1_000;

/** Starts the bed; call `stop()` in a `finally`. */
export async function startAuditTestBed(): Promise<AuditTestBed> {
  const nats = await startTestNats();
  const db = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "ticketd-audit-test-" });
  const nc = await connect({ servers: nats.url });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  for (const { stream } of sourceStreams(TEST_TICKET_STREAM)) {
    if (stream === "ACTIVITY") continue; // made by the first publishActivity: audit waits for it
    await jsm.streams.add({ name: stream, subjects: [SUBJECTS[stream]] });
  }
  const sql = postgres(db.url, { max: 4, transform: postgres.camel, onnotice: () => {} });
  const devKeys = await loadOrCreateDevKeys(dataDir);
  const verify = createVerifier({
    audience: DEV_AUDIENCE,
    issuer: DEV_ISSUER,
    jwks: { keys: [devKeys.publicJwk] },
  });
  const instances: { service: AuditService; nc: NatsConnection }[] = [];
  return {
    nats,
    nc,
    js,
    jsm,
    db,
    sql,
    dataDir,
    async startAudit(env = {}, log = createLogger("error", { service: "audit-test" })) {
      const own = await connect({ servers: nats.url });
      const config = loadAuditConfig({ TICKETD_AUDIT_BATCH: "500", ...env });
      const service = await startAuditService(config, {
        nc: own,
        sql,
        profiles: parseTenantProfiles("intl", env.TICKETD_TENANT_PROFILES ?? ""),
        verify,
        dataDir,
        ticketStream: TEST_TICKET_STREAM,
        log,
        leaseRetryMs: 200,
      });
      instances.push({ service, nc: own });
      const stop = service.stop;
      service.stop = async () => {
        await stop();
        await own.drain().catch(() => {});
      };
      return service;
    },
    async publishCommit(tenant, ticketId, options = {}) {
      const commandId = String(++commandIds);
      const meta = {
        commandId,
        tenant,
        ticketId,
        at: options.at ?? new Date().toISOString(),
        actorId: options.actorId ?? "agent-a",
        actorRole: "agent" as const,
        ...(options.ip ? { ip: options.ip } : {}),
      };
      const data = encodeCommit({
        meta,
        events: [{ type: "TicketStatusChanged", data: { from: "new", to: "open" } }],
      });
      return (await js.publish(ticketSubject(tenant, ticketId), data)).seq;
    },
    async publishActivity(fact) {
      if (!(await jsm.streams.info("ACTIVITY").catch(() => null))) {
        await jsm.streams.add({ name: "ACTIVITY", subjects: [SUBJECTS.ACTIVITY] });
      }
      const subject = activitySubject(fact.tenant, fact.action.split(".")[0]);
      const ack = await js.publish(subject, encodeActivity(fact), {
        msgID: activityMessageId(fact),
      });
      return ack.seq;
    },
    token: (tenant, role, sub = `${role}-1`) => mintDevToken(devKeys, { sub, tenant, role }),
    async stop() {
      for (const { service } of instances) await service.stop().catch(() => {});
      await nc.drain().catch(() => {});
      await sql.end({ timeout: 5 });
      await db.drop();
      await nats.stop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** Sends `path` to `service` with a bearer `token`. */
export async function get(service: AuditService, token: string, path: string): Promise<Response> {
  return await service.fetch(
    new Request(`http://audit.test${path}`, { headers: { authorization: `Bearer ${token}` } }),
  );
}
