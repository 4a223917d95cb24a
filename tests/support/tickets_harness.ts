/**
 * A tickets service for integration tests, in this process, on a private nats-server and a
 * fresh PostgreSQL database of its own. Requests go straight to the Hono app (no sockets).
 * @module
 */
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import postgres, { type Sql } from "postgres";
import { generateKeyringFile, type Keyring, parseKeyring } from "@ticketd/shared/crypto/keyring.ts";
import { createVerifier, type Verifier } from "@ticketd/shared/http/auth.ts";
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  type DevKeys,
  loadOrCreateDevKeys,
  mintDevToken,
} from "@ticketd/shared/http/dev_keys.ts";
import type { Role } from "@ticketd/shared/events/tickets.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { natsServerOptions } from "@ticketd/shared/runtime/nats_url.ts";
import { loadConfig, type TicketsConfig } from "../../services/tickets/config.ts";
import type { CustomFieldSchema } from "../../services/tickets/domain/custom_fields.ts";
import { startTicketsService, type TicketsService } from "../../services/tickets/service.ts";
import { createTestDatabase } from "./database.ts";
import { startTestNats } from "./nats.ts";

export interface Harness {
  config: TicketsConfig;
  /** The private nats-server, for services that need connections of their own. */
  natsUrl: string;
  nc: NatsConnection;
  jsm: JetStreamManager;
  sql: Sql;
  keyring: Keyring;
  /** Checks the dev tokens `token()` mints (for services started beside tickets). */
  verify: Verifier;
  service: TicketsService;
  /** Sends a request to the app as `who`; JSON bodies are serialised. */
  call(
    who: Caller,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  token(who: Caller): Promise<string>;
  /** Stops the service (projector and lease) and starts it again on the same servers. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface Caller {
  sub: string;
  role: Role;
  tenant: string;
  /** The token's `groups` claim (none when absent). */
  groups?: string[];
}

/** An agent of groups "go" and "db", the groups the older tests assign to. */
export const agentA: Caller = {
  sub: "agent-a",
  role: "agent",
  tenant: "acme",
  groups: ["go", "db"],
};
/** An agent of group "go" only: tickets of "db" do not exist for them. */
export const agentGoA: Caller = { sub: "agent-go", role: "agent", tenant: "acme", groups: ["go"] };
export const supervisorA: Caller = { sub: "super-a", role: "supervisor", tenant: "acme" };
export const adminA: Caller = { sub: "admin-a", role: "admin", tenant: "acme" };
export const auditorA: Caller = { sub: "audit-a", role: "auditor", tenant: "acme" };
export const customerA: Caller = { sub: "cust-a", role: "customer", tenant: "acme" };
export const customerA2: Caller = { sub: "cust-a2", role: "customer", tenant: "acme" };
export const agentB: Caller = { sub: "agent-b", role: "agent", tenant: "globex" };
export const adminB: Caller = { sub: "admin-b", role: "admin", tenant: "globex" };

export const customFields: CustomFieldSchema = {
  order_id: { type: "number", integer: true, min: 1 },
  product: { type: "choice", options: ["editor", "cloud"] },
};

/** Starts everything; call `stop()` in a `finally`. */
export async function startHarness(
  env: Record<string, string> = {},
  { projectorThread = false, natsUrl, databaseUrl, keyring: givenKeyring }: HarnessOptions = {},
): Promise<Harness> {
  // A given NATS (e.g. a test's cluster) belongs to its test, which stops it.
  const nats = natsUrl ? { url: natsUrl, stop: async () => {} } : await startTestNats();
  // So is a given database.
  const db = databaseUrl ? { url: databaseUrl, drop: async () => {} } : await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "ticketd-test-" });
  const config = loadConfig({
    TICKETD_DATA_DIR: dataDir,
    TICKETD_LOG_LEVEL: "error",
    ...UNLIMITED, // tests that prove the limits set their own
    ...env,
  });
  const nc = await connect(natsServerOptions(nats.url));
  const sql = postgres(db.url, { max: 4, transform: postgres.camel, onnotice: () => {} });
  const keyring = givenKeyring ?? parseKeyring(generateKeyringFile());
  const devKeys: DevKeys = await loadOrCreateDevKeys(dataDir);
  const verify = createVerifier({
    audience: DEV_AUDIENCE,
    issuer: DEV_ISSUER,
    jwks: { keys: [devKeys.publicJwk] },
  });
  const log = createLogger("error", { service: "tickets-test" });
  const start = () =>
    startTicketsService(config, {
      nc,
      sql,
      keyring,
      verify,
      customFields,
      log,
      projectorThread: projectorThread ? { natsUrl: nats.url, databaseUrl: db.url } : undefined,
    });
  let service = await start();
  const tokens = new Map<string, string>();
  const token = async (who: Caller) => {
    const key = `${who.tenant}/${who.role}/${who.sub}/${who.groups?.join(",") ?? ""}`;
    if (!tokens.has(key)) tokens.set(key, await mintDevToken(devKeys, who));
    return tokens.get(key)!;
  };
  const harness: Harness = {
    config,
    natsUrl: nats.url,
    nc,
    jsm: await jetstreamManager(nc),
    sql,
    keyring,
    verify,
    get service() {
      return service;
    },
    token,
    async call(who, method, path, body, headers = {}) {
      const init: RequestInit = {
        method,
        headers: { authorization: `Bearer ${await token(who)}`, ...headers },
      };
      if (body !== undefined) {
        init.body = typeof body === "string" || body instanceof Uint8Array
          ? body as BodyInit
          : JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] ??= "application/json";
      }
      return await service.fetch(new Request(`http://tickets.test${path}`, init));
    },
    async restart() {
      await service.stop();
      service = await start();
    },
    async stop() {
      await service.stop().catch(() => {});
      await nc.drain().catch(() => {});
      await sql.end({ timeout: 5 });
      await db.drop();
      await nats.stop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
  return harness;
}

export interface HarnessOptions {
  projectorThread?: boolean;
  /** NATS servers to use (comma-separated) instead of a private nats-server of the harness. */
  natsUrl?: string;
  /** A database to use (e.g. a restored one) instead of a fresh one the harness drops. */
  databaseUrl?: string;
  /** The keyring to use instead of a new one (a restored deployment keeps its keys). */
  keyring?: Keyring;
}

/** Rate limits no test reaches by accident. */
const UNLIMITED = {
  TICKETD_RATE_ADDRESS_BURST: "1000000",
  TICKETD_RATE_TOKEN_BURST: "1000000",
};

/** A valid create body with `overrides`. */
export function ticketBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { subject: "Printer on fire", body: "It is on fire. Please help.", ...overrides };
}

/** Creates a ticket as `who`, asserting success; returns the response JSON. */
export async function createTicket(
  h: Harness,
  who: Caller,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; version: number; number: number }> {
  const response = await h.call(who, "POST", "/v1/tickets", ticketBody(overrides));
  const json = await response.json();
  if (response.status !== 201) {
    throw new Error(`create failed: ${response.status} ${JSON.stringify(json)}`);
  }
  return json;
}

/** Resolves when the read model has applied `version`. */
export async function projected(h: Harness, version: number): Promise<void> {
  if (!(await h.service.watch.waitFor(version, 10_000))) {
    throw new Error(`read model did not reach ${version} (at ${h.service.watch.position})`);
  }
}

/** Runs `fn` against a fresh harness and always stops it. */
export async function withHarness(
  fn: (h: Harness) => Promise<void>,
  env: Record<string, string> = {},
  options: HarnessOptions = {},
): Promise<void> {
  const h = await startHarness(env, options);
  try {
    await fn(h);
  } finally {
    await h.stop();
  }
}
