/**
 * The reports service assembled from live connections: migrations applied, the two feeds
 * (TICKETS, ROUTING) folding into the aggregate tables while this process holds the
 * `reports-projection` lease (a second instance stands by and still serves the API), the API
 * served. Used by `deno task start`, the stack and the tests.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Sql } from "postgres";
import type { Verifier } from "@ticketd/shared/http/auth.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { projectionLag } from "@ticketd/shared/metrics/projection_lag.ts";
import type { OperationsSettings } from "@ticketd/shared/metrics/settings.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { runWhileLeased } from "@ticketd/shared/runtime/lease_leader.ts";
import type { ReportsConfig } from "./config.ts";
import { reportsApp } from "./http/app.ts";
import { reportRoutes } from "./http/report_routes.ts";
import { reportFeeds } from "./projections/feeds.ts";
import type { StreamFeed } from "@ticketd/shared/runtime/stream_feed.ts";

export interface ReportsServiceDeps {
  nc: NatsConnection;
  /** With the `postgres.camel` transform, as every Ticketd service uses. */
  sql: Sql;
  verify: Verifier;
  /** The ticket stream's name. */
  ticketStream: string;
  log: Logger;
  /** How often a standby instance tries for the lease (ms). */
  leaseRetryMs?: number;
  now?: () => Date;
  /** Probes and `/metrics` (the tickets config's `operations`); default: the defaults. */
  operations?: OperationsSettings;
}

export interface ReportsService {
  fetch: (request: Request) => Response | Promise<Response>;
  feeds: readonly StreamFeed[];
  readonly leading: boolean;
  /** Resolves once every existing source stream is folded up to its last message. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startReportsService(
  config: ReportsConfig,
  deps: ReportsServiceDeps,
): Promise<ReportsService> {
  const { nc, sql, log } = deps;
  await migrate(sql, "reports", new URL("./migrations/", import.meta.url));
  const jsm = await jetstreamManager(nc);
  const feeds = reportFeeds({
    js: jetstream(nc),
    jsm,
    sql,
    ticketStream: deps.ticketStream,
    batchSize: config.batchSize,
    log,
  });
  const projection = {
    async start() {
      for (const feed of feeds) await feed.start();
      log.info("reports projection started");
    },
    async stop() {
      for (const feed of feeds) await feed.stop();
    },
  };
  const kvm = new Kvm(nc);
  const leader = await runWhileLeased(await kvm.create("leases", { ttl: 30_000 }), projection, {
    name: "reports-projection",
    owner: `reports@${Deno.hostname()}:${Deno.pid}`,
    renewEveryMs: 5_000,
    retryEveryMs: deps.leaseRetryMs ?? 10_000,
    log,
  });
  const app = reportsApp({
    verify: deps.verify,
    log,
    operations: {
      service: "reports",
      settings: deps.operations,
      nc,
      sql,
      metrics: (registry) =>
        projectionLag(registry, jsm, () =>
          leader.leading
            ? feeds.map((feed) => ({
              projection: "reports",
              stream: feed.stream,
              position: () => feed.position,
            }))
            : []),
    },
    routes: reportRoutes({
      sql,
      defaultTimeZone: config.defaultTimeZone,
      maxDays: config.maxDays,
      now: deps.now ?? (() => new Date()),
    }),
  });
  log.info("reports service started", { leading: leader.leading });
  return {
    fetch: app.fetch,
    feeds,
    get leading() {
      return leader.leading;
    },
    async caughtUp(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (const feed of feeds) {
        while (feed.position < await feed.lastSeq()) {
          if (Date.now() > deadline) {
            throw new Error(`reports did not catch up with ${feed.stream} (at ${feed.position})`);
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    },
    async stop() {
      await leader.stop();
    },
  };
}
