/**
 * Composition root of the identity service: read config, listen (503 until ready), connect to
 * PostgreSQL (or use the connection it is given), start the service. `runIdentity` serves until
 * SIGINT/SIGTERM; `services/main.ts` starts it beside the tickets service on shared connections.
 * @module
 */
import postgres, { type Sql } from "postgres";
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { natsServerOptions } from "@ticketd/shared/runtime/nats_url.ts";
import { NATS_CLIENT_OPTIONS } from "@ticketd/shared/runtime/infrastructure.ts";
import {
  httpScheme,
  natsTls,
  postgresSsl,
  serveTls,
  TlsSettingsError,
} from "@ticketd/shared/runtime/tls_settings.ts";
import { problem, problemResponse } from "@ticketd/shared/http/problem.ts";
import { createLogger, type Logger } from "@ticketd/shared/log/logger.ts";
import { listenForStop } from "@ticketd/shared/runtime/stop_signal.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { type IdentityService, startIdentityService } from "./service.ts";
import { shownOnce } from "@ticketd/shared/log/shown_once.ts";
import { SigningKeysError } from "./signing/keys.ts";

export interface RunningIdentity {
  url: string;
  service: IdentityService;
  stop(): Promise<void>;
}

/**
 * Starts the identity service; without `shared.sql` it connects to `DATABASE_URL`, without
 * `shared.nc` to `NATS_URL` (where its ACTIVITY facts go).
 */
export async function startIdentity(
  env: Record<string, string | undefined> = Deno.env.toObject(),
  shared: { sql?: Sql; nc?: NatsConnection; log?: Logger } = {},
): Promise<RunningIdentity> {
  const config = loadConfig(env);
  const log = (shared.log ?? createLogger(config.logLevel)).with({ service: "identity" });
  if (!shared.sql && !config.databaseUrl) {
    throw new ConfigError(
      "The identity service needs DATABASE_URL (or run it with deno task start)",
    );
  }
  if (!shared.nc && !config.natsUrl) {
    throw new ConfigError("The identity service needs NATS_URL (or run it with deno task start)");
  }
  let service: IdentityService | null = null;
  const starting = problemResponse(problem(503, "starting", "The identity service is starting"));
  const server = Deno.serve(
    { hostname: config.host, port: config.port, onListen: () => {}, ...serveTls(config.tls) },
    (request, info) => service ? service.fetch(request, info) : starting.clone(),
  );
  const url = `${httpScheme(config.tls)}://${config.host}:${server.addr.port}`;
  const sql = shared.sql ?? postgres(config.databaseUrl!, {
    max: config.databasePoolSize,
    ...postgresSsl(config.databaseUrl!, config.tls),
    transform: postgres.camel,
    onnotice: () => {},
    connection: { application_name: "ticketd-identity", TimeZone: "UTC" },
  });
  const nc = shared.nc ?? await connect({
    ...natsServerOptions(config.natsUrl!),
    ...natsTls(config.tls),
    name: "ticketd-identity",
    ...NATS_CLIENT_OPTIONS,
  });
  const close = async () => {
    await server.shutdown();
    if (!shared.sql) await sql.end({ timeout: 5 });
    if (!shared.nc) await nc.drain().catch(() => {});
    if (!shared.log) await log.flush(); // its own logger: the last lines before the exit
  };
  try {
    service = await startIdentityService(config, {
      sql,
      nc,
      log,
      issuer: url,
      print: shownOnce(config.shownOnceFile),
    });
  } catch (error) {
    await close();
    throw error;
  }
  // Like every service's `<name>.url`: where a stack and the gateway find a port chosen at start.
  await Deno.mkdir(config.dataDir, { recursive: true });
  await Deno.writeTextFile(`${config.dataDir}/identity.url`, url);
  log.info("listening", { url, issuer: service.issuer });
  return { url, service, stop: async () => (await service!.stop(), await close()) };
}

/** Runs the identity service alone until a termination signal. */
export async function runIdentity(env = Deno.env.toObject()): Promise<void> {
  const running = await startIdentity(env);
  console.error(`Ticketd identity is running at ${running.url}  (Ctrl-C stops)`);
  const stop = listenForStop();
  await stop.received;
  const { shutdownGraceMs } = loadConfig(env);
  stop.guardStop(
    shutdownGraceMs,
    () => console.error("identity: stopping overran its grace; exiting"),
  );
  await running.stop();
  stop.dispose();
}

/** A bad setting, key file or port, or no database: what to fix, in one line (no stack). */
export function startFailure(error: unknown): string | null {
  if (error instanceof ConfigError || error instanceof SigningKeysError) return error.message;
  if (error instanceof TlsSettingsError) return error.message;
  if (error instanceof Deno.errors.AddrInUse) {
    return `a port is in use; set TICKETD_IDENTITY_PORT (${error.message})`;
  }
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|28P01|3D000)$/.test(code)) {
    return `cannot use the database of DATABASE_URL: ${(error as Error).message}`;
  }
  return null;
}

if (import.meta.main) {
  try {
    await runIdentity();
    Deno.exit(0); // stopped in order: leftover library timers are not waited for
  } catch (error) {
    const message = startFailure(error);
    if (message === null) throw error;
    console.error(`ticketd identity: ${message}`);
    Deno.exit(1);
  }
}
