/**
 * A test bed for the webhooks service: a private nats-server with the three source streams, a
 * fresh database, a generated keyring, dev tokens, helpers to publish ticket commits, real HTTP
 * receivers on 127.0.0.1 (and a black hole that accepts TCP and never answers), and webhooks
 * instances started and stopped on demand. Used by `tests/webhooks_*_test.ts`.
 * @module
 */
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { jetstream, type JetStreamClient, jetstreamManager } from "@nats-io/jetstream";
import postgres, { type Sql } from "postgres";
import { activitySettings } from "@ticketd/shared/activity/settings.ts";
import { generateKeyringFile, parseKeyring } from "@ticketd/shared/crypto/keyring.ts";
import { parseTenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { encodeCommit, type Role, ticketSubject } from "@ticketd/shared/events/tickets.ts";
import { createVerifier } from "@ticketd/shared/http/auth.ts";
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  loadOrCreateDevKeys,
  mintDevToken,
} from "@ticketd/shared/http/dev_keys.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { intSettings } from "@ticketd/shared/runtime/env_settings.ts";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database.ts";
import { startTestNats, type TestNats } from "../../tests/support/nats.ts";
import { loadWebhooksConfig } from "./config.ts";
import { startWebhooksService, type WebhooksService } from "./service.ts";

export const TEST_TICKET_STREAM = "TICKETS";
const STREAMS: Record<string, string> = {
  TICKETS: "tickets.>",
  ROUTING: "routing.events.>",
  SESSIONS: "sessions.events.>",
};

/** Quick retries and polls, loopback http allowed: what the tests run with unless they say. */
export const TEST_ENV: Record<string, string> = {
  TICKETD_WEBHOOKS_ALLOW_LOOPBACK_HTTP: "1",
  TICKETD_WEBHOOKS_POLL_MS: "100",
  TICKETD_WEBHOOKS_RETRY_BASE_MS: "200",
  TICKETD_WEBHOOKS_RETRY_MAX_MS: "2000",
  TICKETD_WEBHOOKS_TIMEOUT_MS: "1000",
};

export interface WebhooksTestBed {
  nats: TestNats;
  js: JetStreamClient;
  db: TestDatabase;
  sql: Sql;
  startWebhooks(env?: Record<string, string>): Promise<WebhooksService>;
  /** Publishes a one-event ticket commit (a status change); returns its stream sequence. */
  publishCommit(tenant: string, ticketId: string): Promise<number>;
  token(tenant: string, role: Role, sub?: string): Promise<string>;
  stop(): Promise<void>;
}

let commandIds = 1_000;

/** Starts the bed; call `stop()` in a `finally`. */
export async function startWebhooksTestBed(): Promise<WebhooksTestBed> {
  const nats = await startTestNats();
  const db = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "ticketd-webhooks-test-" });
  const nc = await connect({ servers: nats.url });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  for (const [name, subject] of Object.entries(STREAMS)) {
    await jsm.streams.add({ name, subjects: [subject] });
  }
  const sql = postgres(db.url, { max: 4, transform: postgres.camel, onnotice: () => {} });
  const devKeys = await loadOrCreateDevKeys(dataDir);
  const verify = createVerifier({
    audience: DEV_AUDIENCE,
    issuer: DEV_ISSUER,
    jwks: { keys: [devKeys.publicJwk] },
  });
  const keyring = parseKeyring(generateKeyringFile());
  const instances: { service: WebhooksService; nc: NatsConnection }[] = [];
  return {
    nats,
    js,
    db,
    sql,
    async startWebhooks(env = {}) {
      const own = await connect({ servers: nats.url });
      const service = await startWebhooksService(loadWebhooksConfig({ ...TEST_ENV, ...env }), {
        nc: own,
        sql,
        keyring,
        profiles: parseTenantProfiles("intl", ""),
        verify,
        ticketStream: TEST_TICKET_STREAM,
        log: createLogger("error", { service: "webhooks-test" }),
        leaseRetryMs: 200,
        activity: activitySettings(intSettings({}, (message) => new Error(message))),
        address: {},
      });
      instances.push({ service, nc: own });
      const stop = service.stop;
      service.stop = async () => {
        await stop();
        await own.drain().catch(() => {});
      };
      return service;
    },
    async publishCommit(tenant, ticketId) {
      const meta = {
        commandId: String(++commandIds),
        tenant,
        ticketId,
        at: new Date().toISOString(),
        actorId: "agent-a",
        actorRole: "agent" as const,
      };
      const data = encodeCommit({
        meta,
        events: [{ type: "TicketPriorityChanged", data: { from: "normal", to: "high" } }],
      });
      return (await js.publish(ticketSubject(tenant, ticketId), data)).seq;
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

/** Sends `method path` to `service` as the bearer of `token`, with a JSON `body` if given. */
export async function call(
  service: WebhooksService,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  return await service.fetch(
    new Request(`http://webhooks.test${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

export interface Received {
  headers: Headers;
  body: string;
  at: number;
}

/** An HTTP receiver on 127.0.0.1 answering with `status(n)` for its n-th request (from 1). */
export function startReceiver(status: (n: number) => number = () => 200) {
  const received: Received[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    received.push({ headers: req.headers, body: await req.text(), at: Date.now() });
    return new Response(null, { status: status(received.length) });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    received,
    stop: () => server.shutdown(),
  };
}

/** A TCP listener on 127.0.0.1 that accepts connections and never answers. */
export function startBlackHole() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    try {
      for await (const conn of listener) held.push(conn);
    } catch {
      // closed
    }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/hook`,
    get connections() {
      return held.length;
    },
    async stop() {
      listener.close();
      for (const conn of held) conn.close();
      await accepting;
    },
  };
}

/** Waits until `check()` is true, polling every 25 ms; fails after `timeoutMs`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
