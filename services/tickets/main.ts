/**
 * Composition root of the tickets service: read config, open NATS and PostgreSQL (or start
 * private ones), start the service, serve HTTP until SIGINT/SIGTERM, then stop in order.
 * @module
 */
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { openInfrastructure } from "@ticketd/shared/runtime/infrastructure.ts";
import { loadKeyring, loadVerification } from "@ticketd/shared/runtime/secrets.ts";
import { mintDevToken } from "@ticketd/shared/http/dev_keys.ts";
import { ConfigError, loadConfig, type TicketsConfig } from "./config.ts";
import { loadCustomFields } from "./custom_fields_file.ts";
import { startTicketsService } from "./service.ts";

/** Runs the tickets service until a termination signal. */
export async function runTickets(env = Deno.env.toObject()): Promise<void> {
  const config = loadConfig(env);
  const log = createLogger(config.logLevel, { service: "tickets" });
  const infra = await openInfrastructure(config, log);
  const { verify, devKeys } = await loadVerification(config);
  const service = await startTicketsService(config, {
    nc: infra.nc,
    sql: infra.sql,
    keyring: await loadKeyring(config, log),
    verify,
    customFields: await loadCustomFields(config.customFieldsFile),
    log,
    projectorThread: projectorOnItsOwnThread(config, infra.natsUrl),
  });
  const server = Deno.serve(
    { hostname: config.host, port: config.port, onListen: () => {} },
    service.fetch,
  );
  const url = `http://${config.host}:${server.addr.port}`;
  await Deno.writeTextFile(`${config.dataDir}/tickets.url`, url);
  log.info("listening", { url, nats: infra.natsUrl, database: infra.databaseUrl });
  console.error(`\nTicketd is running at ${url}  (Ctrl-C stops)`);
  if (devKeys) {
    const token = await mintDevToken(devKeys, { sub: "admin", tenant: "demo", role: "admin" });
    console.error(
      `Admin token for tenant "demo" (12 h; more: deno task token --help):\n${token}\n`,
    );
  }
  const stopped = Promise.withResolvers<void>();
  const stop = () => stopped.resolve();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await stopped.promise;
  log.info("stopping");
  await server.shutdown();
  await service.stop();
  await infra.stop();
  await log.flush();
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
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

if (import.meta.main) await runTickets();
