/**
 * The webhooks service assembled from live connections: migrations applied, a worker id leased
 * for snowflake ids, one feed per source stream and the dispatcher running while this process
 * holds the `webhooks-writer` lease (a second instance stands by, serving the API), the API
 * served. Used by `deno task start`, `deno task stack` and the tests.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Sql } from "postgres";
import { ActivityRecorder } from "@ticketd/shared/activity/recorder.ts";
import type { ActivitySettings } from "@ticketd/shared/activity/settings.ts";
import { ensureActivityStream } from "@ticketd/shared/activity/stream.ts";
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";
import type { AddressOptions } from "@ticketd/shared/http/rate_limit.ts";
import type { TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { ROUTING_STREAM } from "@ticketd/shared/events/routing.ts";
import { SESSIONS_STREAM } from "@ticketd/shared/events/sessions.ts";
import type { Verifier } from "@ticketd/shared/http/auth.ts";
import { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import { leaseServiceWorkerId } from "@ticketd/shared/ids/worker_lease.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import type { OperationsSettings } from "@ticketd/shared/metrics/settings.ts";
import { runWhileLeased } from "@ticketd/shared/runtime/lease_leader.ts";
import type { WebhooksConfig } from "./config.ts";
import { Dispatcher } from "./dispatch/dispatcher.ts";
import { webhooksApp } from "./http/app.ts";
import { deliveryRoutes } from "./http/delivery_routes.ts";
import { webhookRoutes } from "./http/webhook_routes.ts";
import type { StreamFeed } from "@ticketd/shared/runtime/stream_feed.ts";
import { eventFeed } from "./ingest/event_feed.ts";
import { webhookMetrics } from "./metrics.ts";
import { DeliveryStore } from "./store/deliveries.ts";
import { OutboxStore } from "./store/outbox.ts";
import { SubscriptionStore } from "./store/subscriptions.ts";

export interface WebhooksServiceDeps {
  nc: NatsConnection;
  /** With the `postgres.camel` transform, as every Ticketd service uses. */
  sql: Sql;
  keyring: Keyring;
  profiles: TenantProfiles;
  verify: Verifier;
  /** The ticket stream's name. */
  ticketStream: string;
  log: Logger;
  /** How often a standby instance tries for the writer lease (ms). */
  leaseRetryMs?: number;
  /** The ACTIVITY stream's settings (the tickets config's `activity`). */
  activity: ActivitySettings;
  /** How a client's address is read (the tickets config's `rateLimits`). */
  address: AddressOptions;
  /** Probes and `/metrics` (the tickets config's `operations`); default: the defaults. */
  operations?: OperationsSettings;
}

export interface WebhooksService {
  fetch: (request: Request) => Response | Promise<Response>;
  feeds: readonly StreamFeed[];
  dispatcher: Dispatcher;
  readonly leading: boolean;
  stop(): Promise<void>;
}

export async function startWebhooksService(
  config: WebhooksConfig,
  deps: WebhooksServiceDeps,
): Promise<WebhooksService> {
  const { nc, sql, log } = deps;
  await migrate(sql, "webhooks", new URL("./migrations/", import.meta.url));
  const kvm = new Kvm(nc);
  const workerLease = await leaseServiceWorkerId(kvm, "webhooks", log);
  const ids = new SnowflakeGenerator(workerLease.workerId);
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const subscriptions = new SubscriptionStore(sql);
  const deliveries = new DeliveryStore(sql);
  const outbox = new OutboxStore(sql);
  const dispatcher = new Dispatcher({
    deliveries,
    keyring: deps.keyring,
    policy: config.dispatch,
    endpoints: config.endpoints,
    log,
  });
  const sources = [
    { kind: "tickets", stream: deps.ticketStream },
    { kind: "routing", stream: ROUTING_STREAM },
    { kind: "sessions", stream: SESSIONS_STREAM },
  ] as const;
  const feeds = sources.map(({ kind, stream }) =>
    eventFeed({
      js,
      jsm,
      outbox,
      subscriptions,
      ids,
      kind,
      stream,
      batchSize: config.batchSize,
      queued: () => dispatcher.wake(),
      log,
    })
  );
  const writer = {
    async start() {
      for (const feed of feeds) await feed.start();
      dispatcher.start();
      log.info("webhooks writer started");
    },
    async stop() {
      for (const feed of feeds) await feed.stop();
      await dispatcher.stop();
    },
  };
  const leader = await runWhileLeased(await kvm.create("leases", { ttl: 30_000 }), writer, {
    name: "webhooks-writer",
    owner: `webhooks@${Deno.hostname()}:${Deno.pid}`,
    renewEveryMs: 5_000,
    retryEveryMs: deps.leaseRetryMs ?? 10_000,
    log,
  });
  await ensureActivityStream(jsm, deps.activity);
  const recorder = new ActivityRecorder({
    js,
    service: "webhooks",
    nextId: () => ids.next(),
    now: () => new Date(),
    settings: deps.activity,
    log,
  });
  const activity = { recorder, address: deps.address };
  const body = { maxBytes: config.maxBodyBytes, timeoutMs: 10_000 };
  const app = webhooksApp({
    verify: deps.verify,
    log,
    operations: {
      service: "webhooks",
      settings: deps.operations,
      nc,
      sql,
      metrics: (registry) =>
        webhookMetrics(registry, { jsm, sql, feeds, dispatcher, leading: () => leader.leading }),
    },
    routes: [
      webhookRoutes({
        subscriptions,
        keyring: deps.keyring,
        profiles: deps.profiles,
        ids,
        endpoints: config.endpoints,
        maxPerTenant: config.maxSubscriptionsPerTenant,
        maxEventTypes: config.maxEventTypes,
        overlap: { defaultMs: config.secretOverlapMs, maxMs: config.maxSecretOverlapMs },
        body,
        activity,
      }),
      deliveryRoutes({
        subscriptions,
        deliveries,
        pages: { defaultSize: config.defaultPageSize, maxSize: config.maxPageSize },
        redelivered: () => dispatcher.wake(),
        breakerOf: (id) => dispatcher.breakerOf(id),
        activity,
      }),
    ],
  });
  log.info("webhooks service started", { leading: leader.leading });
  return {
    fetch: app.fetch,
    feeds,
    dispatcher,
    get leading() {
      return leader.leading;
    },
    async stop() {
      await leader.stop();
      await workerLease.release();
    },
  };
}
