/**
 * Composition root of the tickets service: read config, listen (answering 503 until ready, and
 * failing fast if the port is taken), open NATS and PostgreSQL (or start private ones), start the
 * service, serve until SIGINT/SIGTERM, then stop everything in order.
 * @module
 */
import { type Verifier, verifierByIssuer } from "@ticketd/shared/http/auth.ts";
import { problem, problemResponse } from "@ticketd/shared/http/problem.ts";
import { honouringDenyList, RemoteDenyList } from "@ticketd/shared/http/revocation.ts";
import { mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import { createLogger, type Logger } from "@ticketd/shared/log/logger.ts";
import { shownOnce } from "@ticketd/shared/log/shown_once.ts";
import {
  type Infrastructure,
  openInfrastructure,
  redact,
} from "@ticketd/shared/runtime/infrastructure.ts";
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";
import { loadKeyring, loadVerification } from "@ticketd/shared/runtime/secrets.ts";
import { listenForStop, type StopSignal } from "@ticketd/shared/runtime/stop_signal.ts";
import {
  httpScheme,
  httpsClient,
  serveTls,
  type TlsSettings,
} from "@ticketd/shared/runtime/tls_settings.ts";
import { ConfigError, loadConfig, type TicketsConfig } from "./config.ts";
import { loadCustomFields } from "./custom_fields_file.ts";
import type { CustomFieldSchema } from "./domain/custom_fields.ts";
import { startTicketsService, type TicketsService } from "./service.ts";

/**
 * A service started beside the tickets service on its connections (`deno task start`); tokens
 * of its `issuer` are checked with its `verify`.
 */
export type Companion = (
  infra: Infrastructure,
  log: Logger,
) => Promise<{ issuer?: string; verify?: Verifier; stop(): Promise<void> }>;

/**
 * A service started after the tickets service, on its connections, keyring and token checks
 * (`deno task start` runs routing so).
 */
export type Follower = (context: {
  infra: Infrastructure;
  log: Logger;
  keyring: Keyring;
  verify: Verifier;
  config: TicketsConfig;
  customFields: CustomFieldSchema;
}) => Promise<{ stop(): Promise<void> }>;

/** Runs the tickets service (and any companions and followers) until a termination signal. */
export async function runTickets(
  env = Deno.env.toObject(),
  companions: Companion[] = [],
  followers: Follower[] = [],
): Promise<void> {
  const config = loadConfig(env);
  const log = createLogger(config.logLevel, { service: "tickets" });
  let service: TicketsService | null = null;
  const starting = problemResponse(problem(503, "starting", "Ticketd is starting"));
  const server = listen(
    config,
    (request, info) =>
      service ? service.fetch(request, { remoteAddr: info.remoteAddr }) : starting.clone(),
  );
  const stop = listenForStop();
  const infra = await openInfrastructure(config, log).catch(async (error) => {
    await server.shutdown();
    throw error;
  });
  const started: Awaited<ReturnType<Companion>>[] = [];
  const stops: (() => void)[] = [];
  try {
    for (const start of companions) started.push(await start(infra, log));
    const { verify: configured, devKeys } = await loadVerification(config);
    const own = config.revocation
      ? honouringDenyList(
        configured,
        await startDenyList(config.revocation, log, stops, config.tls),
      )
      : configured;
    const issuers = started.flatMap((c) => c.issuer && c.verify ? [[c.issuer, c.verify]] : []);
    const verify = verifierByIssuer(Object.fromEntries(issuers), own);
    const keyring = await loadKeyring(config, log);
    const customFields = await loadCustomFields(config.customFieldsFile);
    service = await startTicketsService(config, {
      nc: infra.nc,
      sql: infra.sql,
      keyring,
      verify,
      customFields,
      log,
      projectorThread: projectorOnItsOwnThread(config, infra.natsUrl),
    });
    for (const start of followers) {
      started.push(await start({ infra, log, keyring, verify, config, customFields }));
    }
    const url = `${httpScheme(config.tls)}://${config.host}:${server.addr.port}`;
    await Deno.writeTextFile(`${config.dataDir}/tickets.url`, url);
    log.info("listening", { url, nats: redact(infra.natsUrl), database: infra.databaseUrl });
    console.error(`\nTicketd is running at ${url}  (Ctrl-C stops)`);
    if (devKeys) {
      const token = await mintDevToken(devKeys, { sub: "admin", tenant: "demo", role: "admin" });
      shownOnce(config.shownOnceFile)(
        `Admin token for tenant "demo" (12 h; more: deno task token --help):\n${token}\n`,
      );
    }
    await stop.received;
    log.info("stopping");
  } finally {
    guardStop(stop, config, log);
    await server.shutdown();
    for (const stop of stops) stop();
    for (const companion of started.reverse()) await companion.stop().catch(() => {});
    await service?.stop();
    await infra.stop();
    await log.flush();
    stop.dispose();
  }
}

/** Bounds the orderly stop by `TICKETD_SHUTDOWN_GRACE_SECONDS`; Ctrl-C again exits at once. */
export function guardStop(stop: StopSignal, config: TicketsConfig, log: Logger): void {
  stop.guardStop(config.shutdownGraceMs, () => {
    log.error("stop overran its grace period; exiting", { graceMs: config.shutdownGraceMs });
    console.error(
      `ticketd: stopping took over ${
        config.shutdownGraceMs / 1000
      } s (TICKETD_SHUTDOWN_GRACE_SECONDS); exiting`,
    );
    return log.flush();
  });
}

/** The embedded database takes one connection, so its projector must share the main thread's. */
function projectorOnItsOwnThread(config: TicketsConfig, natsUrl: string) {
  const { thread } = config.projector;
  if (thread === "inline" || (thread === "auto" && !config.databaseUrl)) return undefined;
  if (!config.databaseUrl) {
    throw new ConfigError("TICKETD_PROJECTOR_THREAD=worker needs DATABASE_URL");
  }
  return { natsUrl, databaseUrl: config.databaseUrl };
}

if (import.meta.main) {
  await runTickets();
  Deno.exit(0); // stopped in order: leftover library timers are not waited for
}

/** The identity service's deny list, loaded once (or the start fails), then polled. */
export async function startDenyList(
  settings: { url: string; pollMs: number },
  log: Logger,
  stops: (() => void)[],
  tls: TlsSettings,
): Promise<RemoteDenyList> {
  const { client } = httpsClient(tls);
  const list = new RemoteDenyList({ ...settings, log, client });
  try {
    await list.start();
  } catch (error) {
    client?.close();
    throw new ConfigError(`TICKETD_REVOCATION_URL: ${(error as Error).message}`);
  }
  stops.push(() => (list.stop(), client?.close()));
  return list;
}

/** Listens at once (so a taken port fails the start, not the first request). */
function listen(
  config: TicketsConfig,
  handler: Deno.ServeHandler<Deno.NetAddr>,
): Deno.HttpServer<Deno.NetAddr> {
  try {
    return Deno.serve(
      { hostname: config.host, port: config.port, onListen: () => {}, ...serveTls(config.tls) },
      handler,
    );
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) throw error;
    throw new ConfigError(
      `TICKETD_HOST / TICKETD_PORT: cannot listen on ${config.host}:${config.port} (${
        (error as Error).message
      })`,
    );
  }
}
