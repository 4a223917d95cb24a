/**
 * NATS and PostgreSQL for a Ticketd process: the configured servers when their URLs are set,
 * otherwise a private nats-server and an embedded PostgreSQL with their data under the data
 * folder, so `deno task start` works on a fresh machine.
 * @module
 */
import { RuntimeError } from "./runtime_error.ts";
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import postgres, { type Sql } from "postgres";
import type { Logger } from "../log/logger.ts";
import { startEmbeddedPostgres } from "./embedded_postgres.ts";
import { startPrivateNats } from "./private_nats.ts";
import { lockDataDir } from "./data_dir_lock.ts";

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
        storeDir: `${config.dataDir}/nats`,
        logFile: `${config.dataDir}/nats-server.log`,
      });
      stops.unshift(nats.stop);
      natsUrl = nats.url;
      log.info("started a private nats-server", {
        url: natsUrl,
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
    const nc = await connect({ servers: natsUrl, name: "ticketd", ...NATS_CLIENT_OPTIONS })
      .catch((error) => {
        throw new RuntimeError(
          "nats_unreachable",
          `Cannot reach NATS at ${redact(natsUrl!)} (${(error as Error).message}); check NATS_URL`,
        );
      });
    stops.unshift(() => nc.drain());
    const sql = postgres(databaseUrl, {
      max,
      transform: postgres.camel,
      onnotice: () => {},
      connection: { application_name: "ticketd", TimeZone: "UTC" },
    });
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

async function runAll(stops: (() => Promise<void>)[]): Promise<void> {
  for (const stop of stops) await stop().catch(() => {});
}

/** `url` fit for a log line: a password (`user:pw@`) or a bare token (`token@`) masked. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@").replace(/\/\/[^:@/]+@/, "//***@");
}
