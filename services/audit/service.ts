/**
 * The audit service assembled from live connections: migrations applied, the audit key loaded
 * (or made), one ingester per source stream and the checkpointer running while this process
 * holds the `audit-writer` lease (a second instance stands by), the lag watched, the API served.
 * Used by `deno task start` and the tests.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Sql } from "postgres";
import { profileOf, type TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { ACTIVITY_STREAM } from "@ticketd/shared/events/activity.ts";
import { ROUTING_STREAM } from "@ticketd/shared/events/routing.ts";
import { SESSIONS_STREAM } from "@ticketd/shared/events/sessions.ts";
import type { Verifier } from "@ticketd/shared/http/auth.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { runWhileLeased } from "@ticketd/shared/runtime/lease_leader.ts";
import { jetstreamLag } from "@ticketd/shared/metrics/jetstream_lag.ts";
import type { OperationsSettings } from "@ticketd/shared/metrics/settings.ts";
import type { Archiver } from "./archive/archiver.ts";
import { openArchiver } from "./archive/open_archiver.ts";
import { Checkpointer } from "./checkpointer.ts";
import type { AuditConfig } from "./config.ts";
import type { ChainedBatch } from "./domain/chain_batch.ts";
import { hashAlgOf } from "./domain/checkpoint.ts";
import type { SourceKind } from "./domain/entry.ts";
import { auditApp } from "./http/app.ts";
import { auditRoutes } from "./http/audit_routes.ts";
import { StreamIngester } from "./ingest/stream_ingester.ts";
import { LagWatch } from "./lag_watch.ts";
import { auditMetrics } from "./metrics.ts";
import { loadAuditKeys } from "./signing/audit_keys.ts";
import { AuditStore } from "./store/audit_store.ts";
import { CheckpointStore } from "./store/checkpoint_store.ts";

export interface AuditServiceDeps {
  nc: NatsConnection;
  /** With the `postgres.camel` transform, as every Ticketd service uses. */
  sql: Sql;
  profiles: TenantProfiles;
  verify: Verifier;
  /** Where the audit keys file is made when `TICKETD_AUDIT_KEYS_FILE` is unset. */
  dataDir: string;
  /** The ticket stream's name. */
  ticketStream: string;
  log: Logger;
  /** How often a standby instance tries for the writer lease (ms). */
  leaseRetryMs?: number;
  /** Probes and `/metrics` (the tickets config's `operations`); default: the defaults. */
  operations?: OperationsSettings;
}

export interface AuditService {
  fetch: (request: Request) => Response | Promise<Response>;
  ingesters: readonly StreamIngester[];
  checkpointer: Checkpointer;
  /** Null when archiving is off (no S3 endpoint). */
  archiver: Archiver | null;
  readonly leading: boolean;
  /** Resolves once every existing source stream is written up to its last message. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The source streams: the ticket stream (its name a setting), SESSIONS, ROUTING, ACTIVITY. */
export function sourceStreams(ticketStream: string): { kind: SourceKind; stream: string }[] {
  return [
    { kind: "tickets", stream: ticketStream },
    { kind: "sessions", stream: SESSIONS_STREAM },
    { kind: "routing", stream: ROUTING_STREAM },
    { kind: "activity", stream: ACTIVITY_STREAM },
  ];
}

export async function startAuditService(
  config: AuditConfig,
  deps: AuditServiceDeps,
): Promise<AuditService> {
  const { nc, sql, log } = deps;
  await migrate(sql, "audit", new URL("./migrations/", import.meta.url));
  const keys = await loadAuditKeys({ file: config.keysFile, dataDir: deps.dataDir });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const store = new AuditStore(sql);
  const checkpoints = new CheckpointStore(sql);
  const checkpointer = new Checkpointer({
    store,
    checkpoints,
    keys,
    profiles: deps.profiles,
    everyEntries: config.checkpointEveryEntries,
    everyMs: config.checkpointEveryMs,
    log,
    now: () => new Date(),
  });
  const archiver = await openArchiver(config.archive, {
    store,
    keys,
    profiles: deps.profiles,
    log,
  });
  const committed = (batch: ChainedBatch) => {
    const counts = new Map<string, number>();
    for (const { entry } of batch.entries) {
      counts.set(entry.tenant, (counts.get(entry.tenant) ?? 0) + 1);
    }
    for (const [tenant, count] of counts) checkpointer.written(tenant, count);
  };
  const ingesters = sourceStreams(deps.ticketStream).map(({ kind, stream }) =>
    new StreamIngester({
      js,
      jsm,
      store,
      kind,
      stream,
      batchSize: config.batchSize,
      algOf: (tenant) => hashAlgOf(profileOf(deps.profiles, tenant)),
      committed,
      log,
    })
  );
  const writer = {
    async start() {
      for (const ingester of ingesters) await ingester.start();
      checkpointer.start();
      await archiver?.start();
      log.info("audit writer started");
    },
    async stop() {
      await archiver?.stop();
      for (const ingester of ingesters) await ingester.stop();
      await checkpointer.stop();
    },
  };
  const kvm = new Kvm(nc);
  const leader = await runWhileLeased(await kvm.create("leases", { ttl: 30_000 }), writer, {
    name: "audit-writer",
    owner: `audit@${Deno.hostname()}:${Deno.pid}`,
    renewEveryMs: 5_000,
    retryEveryMs: deps.leaseRetryMs ?? 10_000,
    log,
  });
  const lagWatch = new LagWatch(ingesters, {
    checkMs: config.lagCheckMs,
    warnMessages: config.lagWarnMessages,
    warnMs: config.lagWarnMs,
  }, log);
  lagWatch.start();

  const app = auditApp({
    verify: deps.verify,
    log,
    operations: {
      service: "audit",
      settings: deps.operations,
      nc,
      sql,
      metrics: (registry) => {
        auditMetrics(registry, async () => {
          await lagWatch.check();
          return {
            streams: ingesters.map((i) => ({
              stream: i.stream,
              lag: lagWatch.lags.get(i.stream),
              written: i.written,
              position: i.position,
            })),
            leading: leader.leading,
            checkpointsSigned: checkpointer.signed,
          };
        });
        // The durables are the writer's: a standby owns none of them.
        jetstreamLag(
          registry,
          jsm,
          () =>
            leader.leading
              ? ingesters.map((i) => ({ stream: i.stream, consumer: i.durable, durable: true }))
              : [],
        );
      },
    },
    publicKeys: () => keys.publicJwks,
    routes: auditRoutes({
      sql,
      checkpoints,
      pages: { defaultSize: config.defaultPageSize, maxSize: config.maxPageSize },
    }),
  });
  log.info("audit service started", { leading: leader.leading });
  return {
    fetch: app.fetch,
    ingesters,
    checkpointer,
    archiver,
    get leading() {
      return leader.leading;
    },
    async caughtUp(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (const ingester of ingesters) {
        for (;;) {
          const lag = await ingester.lag().catch(() => null);
          if (lag === null || (lag === 0 && ingester.position >= await lastSeq(ingester.stream))) {
            break;
          }
          if (Date.now() > deadline) {
            throw new Error(`audit did not catch up with ${ingester.stream} (lag ${lag})`);
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    },
    async stop() {
      lagWatch.stop();
      await leader.stop();
    },
  };

  async function lastSeq(stream: string): Promise<number> {
    return (await jsm.streams.info(stream)).state.last_seq;
  }
}
