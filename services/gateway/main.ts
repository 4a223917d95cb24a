/**
 * The gateway: listens at once on `TICKETD_GATEWAY_PORT` (503 until the console is loaded),
 * HTTPS when `TICKETD_TLS_CERT_FILE` is set, and finds the services by
 * `TICKETD_GATEWAY_<NAME>_URL` or through the URL files they write in the data folder. Beside
 * the other services (`deno task start`) as a {@link Follower}; alone (`deno task stack`,
 * Compose) with `deno run -A services/gateway/main.ts`: it needs no NATS and no database.
 * @module
 */
import { problem, problemResponse } from "@ticketd/shared/http/problem.ts";
import { createLogger, type Logger } from "@ticketd/shared/log/logger.ts";
import {
  httpScheme,
  loadTlsSettings,
  serveTls,
  type TlsSettings,
  TlsSettingsError,
} from "@ticketd/shared/runtime/tls_settings.ts";
import type { Follower } from "../tickets/main.ts";
import { GatewayConfigError, loadGatewayConfig } from "./config.ts";
import { type GatewayService, startGatewayService } from "./service.ts";

/** A {@link Follower} running the gateway on `env`'s `TICKETD_GATEWAY_*` settings. */
export function gatewayFollower(env: Record<string, string | undefined>): Follower {
  return ({ log, config }) => serveGateway(env, { log, dataDir: config.dataDir, tls: config.tls });
}

/** Listens, loads the console, writes `gateway.url`; stop() closes the listener. */
async function serveGateway(
  env: Record<string, string | undefined>,
  deps: { log: Logger; dataDir: string; tls: TlsSettings },
): Promise<{ stop(): Promise<void> }> {
  const gateway = loadGatewayConfig(env);
  const gatewayLog = deps.log.with({ service: "gateway" });
  let service: GatewayService | null = null;
  const starting = problemResponse(problem(503, "starting", "The gateway is starting"));
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve(
      { hostname: gateway.host, port: gateway.port, onListen: () => {}, ...serveTls(deps.tls) },
      (request, info) => service ? service.fetch(request, info) : starting.clone(),
    );
  } catch (error) {
    throw new GatewayConfigError(
      `TICKETD_GATEWAY_PORT: cannot listen on ${gateway.host}:${gateway.port} (${
        (error as Error).message
      })`,
    );
  }
  const url = `${httpScheme(deps.tls)}://${gateway.host}:${server.addr.port}`;
  // Without TICKETD_GATEWAY_PUBLIC_URL browsers use the origin listened on, port chosen or not.
  const publicUrl = env.TICKETD_GATEWAY_PUBLIC_URL ? gateway.publicUrl : url;
  service = await startGatewayService({ ...gateway, publicUrl }, {
    log: gatewayLog,
    dataDir: deps.dataDir,
  }).catch(async (error) => {
    await server.shutdown();
    throw error;
  });
  await Deno.writeTextFile(`${deps.dataDir}/gateway.url`, url);
  gatewayLog.info("listening", { url, build: service.build });
  console.error(`Console (gateway) at ${publicUrl}: docs/console.md`);
  return { stop: () => server.shutdown() };
}

/** Runs the gateway alone until SIGINT/SIGTERM; a bad setting is one line and exit code 1. */
export async function runGateway(env: Record<string, string | undefined>): Promise<void> {
  const { promise: stopped, resolve } = Promise.withResolvers<void>();
  for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, resolve);
  let running: { stop(): Promise<void> };
  let log: Logger;
  try {
    log = createLogger(loadGatewayConfig(env).logLevel, { service: "gateway" });
    const dataDir = env.TICKETD_DATA_DIR || "data";
    await Deno.mkdir(dataDir, { recursive: true });
    running = await serveGateway(env, { log, dataDir, tls: loadTlsSettings(env) });
  } catch (error) {
    if (!(error instanceof GatewayConfigError || error instanceof TlsSettingsError)) throw error;
    console.error(`ticketd gateway: ${error.message}`);
    Deno.exit(1);
  }
  await stopped;
  log.info("stopping");
  await running.stop();
  await log.flush();
}

if (import.meta.main) await runGateway(Deno.env.toObject());
