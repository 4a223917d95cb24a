/**
 * NATS and PostgreSQL for a Ticketd process: the configured servers when their URLs are set,
 * otherwise a private nats-server and an embedded PostgreSQL with their data under the data
 * folder, so `deno task start` works on a fresh machine.
 * @module
 */
import { RuntimeError } from "./runtime_error.ts";
import { natsServerOptions } from "./nats_url.ts";
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import postgres, { type Sql } from "postgres";
import type { Logger } from "../log/logger.ts";
import { startEmbeddedPostgres } from "./embedded_postgres.ts";
import { startPrivateNats } from "./private_nats.ts";
import { lockDataDir } from "./data_dir_lock.ts";
import { natsTls, postgresSsl, type TlsSettings } from "./tls_settings.ts";

/**
 * Reconnect forever; and skip the stack captured for every request in case it times out (an
 * Error per publish is a measurable share of the hot path; timeouts still report, without it).
 */
export const NATS_CLIENT_OPTIONS = { maxReconnectAttempts: -1, noAsyncTraces: true } as const;

export interface InfrastructureConfig {
  natsUrl?: string;
  databaseUrl?: string;
  dataDir: string;
  databasePoolSize: number;
  /** The CA (and NATS client certificate) the connections verify with; none: plain or system. */
  tls?: TlsSettings;
}

export interface Infrastructure {
  nc: NatsConnection;
  sql: Sql;
  natsUrl: string;
  databaseUrl: string;
  /** Closes connections, then stops what this process started. */
  stop(): Promise<void>;
}

/** Connects to (or starts) NATS and PostgreSQL. */
export async function openInfrastructure(
  config: InfrastructureConfig,
  log: Logger,
): Promise<Infrastructure> {
  const stops: (() => Promise<void>)[] = [];
  try {
    if (!config.natsUrl || !config.databaseUrl) {
      const lock = await lockDataDir(config.dataDir);
      stops.unshift(lock.release);
    }
    let natsUrl = config.natsUrl;
    if (!natsUrl) {
      const nats = await startPrivateNats({
        authToken: true,
        storeDir: `${config.dataDir}/nats`,
        logFile: `${config.dataDir}/nats-server.log`,
      });
      stops.unshift(nats.stop);
      natsUrl = nats.url;
      log.info("started a private nats-server", {
        url: redact(natsUrl),
        storeDir: `${config.dataDir}/nats`,
      });
    }
    let databaseUrl = config.databaseUrl;
    let max = config.databasePoolSize;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({ dataDir: `${config.dataDir}/pg` });
      stops.unshift(pg.stop);
      databaseUrl = pg.url;
      max = pg.maxConnections;
      log.info("started an embedded PostgreSQL (PGlite)", { dataDir: `${config.dataDir}/pg` });
    }
    const nc = await connect({
      ...natsServerOptions(natsUrl),
      ...natsTls(config.tls ?? {}),
      name: "ticketd",
      ...NATS_CLIENT_OPTIONS,
    })
      .catch((error) => {
        throw new RuntimeError(
          "nats_unreachable",
          `Cannot reach NATS at ${redact(natsUrl!)} (${(error as Error).message}); check NATS_URL`,
        );
      });
    stops.unshift(() => nc.drain());
    const sql = openPostgres(databaseUrl, max, config.tls ?? {});
    stops.unshift(() => sql.end({ timeout: 5 }));
    await sql`select 1`.catch((error) => {
      throw new RuntimeError(
        "database_unreachable",
        `Cannot use PostgreSQL at ${redact(databaseUrl!)} (${
          (error as Error).message
        }); check DATABASE_URL`,
      );
    });
    return { nc, sql, natsUrl, databaseUrl: redact(databaseUrl), stop: () => runAll(stops) };
  } catch (error) {
    await runAll(stops);
    throw error;
  }
}

function openPostgres(url: string, max: number, tls: TlsSettings): Sql {
  try {
    return postgres(url, {
      max,
      ...postgresSsl(url, tls),
      transform: postgres.camel,
      onnotice: () => {},
      connection: { application_name: "ticketd", TimeZone: "UTC" },
    });
  } catch (error) {
    // The driver's message may quote the URL, password and all.
    throw new RuntimeError(
      "database_unreachable",
      `DATABASE_URL ${redact(url)} is not a usable PostgreSQL URL (${(error as Error).name})`,
    );
  }
}

async function runAll(stops: (() => Promise<void>)[]): Promise<void> {
  for (const stop of stops) await stop().catch(() => {});
}

const SECRET_PARAMS = ["password", "pass", "token", "sslpassword", "sslkey"];

/**
 * `url` (or a comma-separated list of them) fit for a log line: passwords, bare tokens
 * (`token@`) and secret query parameters masked; a URL that does not parse is not shown at all.
 */
export function redact(url: string): string {
  return url.split(",").map((one) => redactOne(one.trim())).join(",");
}

function redactOne(url: string): string {
  const unclear = "(a URL that does not parse)";
  // A raw `@` or `#` inside a password makes the parser cut it elsewhere: show nothing then.
  if (url.includes("#") || url.split("@").length > 2) return unclear;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return unclear;
  }
  if (parsed.password) parsed.password = "***";
  else if (parsed.username) parsed.username = "***";
  for (const name of SECRET_PARAMS) {
    if (parsed.searchParams.has(name)) parsed.searchParams.set(name, "***");
  }
  return parsed.href.replaceAll("%2A%2A%2A", "***");
}
