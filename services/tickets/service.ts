/**
 * The tickets service assembled from live connections: stream and buckets ensured, a leased
 * worker id, migrations applied, the projector running and the HTTP app ready to serve. Used by
 * `main.ts`, by `services/main.ts` (everything on one machine) and by the integration tests.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Sql } from "postgres";
import { surveyTokens } from "@ticketd/shared/csat/survey_token.ts";
import { deriveSubkey, type Keyring } from "@ticketd/shared/crypto/keyring.ts";
import { ALL_TICKETS_SUBJECT } from "@ticketd/shared/events/tickets.ts";
import { ensureStream, JetStreamEventStore } from "@ticketd/shared/eventstore/jetstream.ts";
import type { Verifier } from "@ticketd/shared/http/auth.ts";
import { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import { leaseServiceWorkerId } from "@ticketd/shared/ids/worker_lease.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import { tenantKeyedHash } from "@ticketd/shared/crypto/keyed_hash.ts";
import { tenantTokenHasher } from "@ticketd/shared/search/tokens.ts";
import { KvExternalRefs } from "./adapters/external_refs.ts";
import { KvTicketNumbers } from "./adapters/ticket_numbers.ts";
import { TicketCommands } from "./command_handler.ts";
import type { TicketsConfig } from "./config.ts";
import type { CustomFieldSchema } from "./domain/custom_fields.ts";
import { ticketsApp } from "./http/app.ts";
import { requestSchemas } from "./http/schemas.ts";
import { ProjectionWatch } from "./projections/projection_watch.ts";
import { TicketProjector } from "./projections/projector.ts";
import { ProjectorThread } from "./projections/projector_thread.ts";
import { runWhileLeased } from "@ticketd/shared/runtime/lease_leader.ts";
import { streamHead } from "./projections/rebuild.ts";
import { readModelPosition, waitForReadModel } from "./projections/read_model_position.ts";
import { profileMismatches, SearchProfiles } from "./projections/search_profiles.ts";
import { TicketStateCache } from "./state_cache.ts";
import { TicketLoader } from "./ticket_loader.ts";
import { PairRunner } from "./pairs/pair_runner.ts";
import { PairSweeper } from "./pairs/pair_sweeper.ts";
import { CustomStatusStore } from "./statuses/status_store.ts";
import { MacroStore } from "./macros/macro_store.ts";
import { respondToTicketAccess } from "./nats/access_responder.ts";
import { respondToTicketCommands } from "./nats/command_responder.ts";
import { ActivityRecorder } from "@ticketd/shared/activity/recorder.ts";
import { jetstreamLag } from "@ticketd/shared/metrics/jetstream_lag.ts";
import { projectionLag } from "@ticketd/shared/metrics/projection_lag.ts";
import { ensureActivityStream } from "@ticketd/shared/activity/stream.ts";
import { KeyringRewrap } from "./http/keyring_rewrap.ts";

export interface TicketsServiceDeps {
  nc: NatsConnection;
  sql: Sql;
  keyring: Keyring;
  verify: Verifier;
  customFields: CustomFieldSchema;
  log: Logger;
  /** Set to run the projector on its own thread, with its own connections to these servers. */
  projectorThread?: { natsUrl: string; databaseUrl: string };
}

export interface TicketsService {
  /** `env.remoteAddr` (from `Deno.serve`) is the client address the rate limits count. */
  fetch: (request: Request, env?: { remoteAddr?: Deno.Addr }) => Response | Promise<Response>;
  watch: ProjectionWatch;
  stop(): Promise<void>;
}

/** Starts the tickets service on `deps`; `stop()` halts the projector and frees the worker id. */
export async function startTicketsService(
  config: TicketsConfig,
  deps: TicketsServiceDeps,
): Promise<TicketsService> {
  const { nc, sql, keyring, log } = deps;
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm, { ...config.stream, subjects: [ALL_TICKETS_SUBJECT] });
  await ensureActivityStream(jsm, config.activity);
  const kvm = new Kvm(nc);
  const lease = await leaseServiceWorkerId(kvm, "tickets", log);
  await migrate(sql, "tickets", new URL("./migrations/", import.meta.url));
  for (const m of await profileMismatches(sql, config.profiles)) {
    log.warn("search tokens were hashed for another profile; run deno task replay", { ...m });
  }

  const store = new JetStreamEventStore(js, jsm, config.stream.name);
  const envelopeSettings = {
    keyring,
    profiles: config.profiles,
    dataKeyCacheEntries: config.dataKeyCacheEntries,
  };
  const { envelope, dataKeys, close: closeEnvelope } = await openEnvelope(
    nc,
    jsm,
    envelopeSettings,
  );
  const hashTokens = tenantTokenHasher(keyring.searchKey, config.profiles);
  const watch = new ProjectionWatch();
  const projector = deps.projectorThread
    ? new ProjectorThread(
      {
        ...deps.projectorThread,
        ...envelopeSettings,
        stream: config.stream.name,
        projector: config.projector,
        logLevel: config.logLevel,
      },
      watch,
      log,
    )
    : new TicketProjector({
      js,
      jsm,
      sql,
      envelope,
      hashTokens,
      searchProfiles: new SearchProfiles(sql, config.profiles),
      stream: config.stream.name,
      ...config.projector,
      watch,
      log,
    });
  const leader = await runWhileLeased(await kvm.create("leases", { ttl: 30_000 }), projector, {
    name: config.projector.name,
    owner: `tickets@${Deno.hostname()}:${Deno.pid}`,
    renewEveryMs: 5_000,
    retryEveryMs: 10_000,
    log,
  });

  const ids = new SnowflakeGenerator(lease.workerId);
  const loader = new TicketLoader(store, new TicketStateCache(config.stateCacheEntries));
  const commands = new TicketCommands({
    store,
    loader,
    envelope,
    nextId: () => ids.next(),
    numbers: new KvTicketNumbers(await kvm.create("ticket-numbers"), config.numberBlockSize),
    refs: new KvExternalRefs(await kvm.create("ticket-refs")),
    now: () => new Date(),
    policy: { customFields: deps.customFields, maxTags: config.maxTags },
    keyedHash: tenantKeyedHash(
      deriveSubkey(keyring.searchKey, "request-fingerprint"),
      config.profiles,
    ),
    maxAttempts: config.commandAttempts,
  });
  const pairs = new PairRunner({
    commands,
    envelope,
    numbers: new KvTicketNumbers(await kvm.create("ticket-numbers"), config.numberBlockSize),
    loader,
    store,
    policy: { customFields: deps.customFields, maxTags: config.maxTags },
    nextId: () => ids.next(),
    now: () => new Date(),
    settings: config.pairs,
    log,
  });
  const sweeper = new PairSweeper({
    sql,
    pairs,
    now: () => new Date(),
    reservationMs: config.pairs.reservationMs,
    sweepEveryMs: config.pairs.sweepEveryMs,
    log,
  });
  sweeper.start();
  const activity = new ActivityRecorder({
    js,
    service: "tickets",
    nextId: () => ids.next(),
    now: () => new Date(),
    settings: config.activity,
    log,
  });
  const rewrap = new KeyringRewrap({ dataKeys, activity, now: () => new Date(), log });
  const app = ticketsApp({
    commands,
    pairs,
    activity,
    address: config.rateLimits,
    schemas: requestSchemas(config.limits),
    limits: config.limits,
    sql,
    store,
    envelope,
    hashTokens,
    watch,
    verify: deps.verify,
    log,
    operations: {
      service: "tickets",
      settings: config.operations,
      nc,
      sql,
      readyDetail: () => ({ projectedVersion: watch.position }),
      metrics: (registry) => {
        const { name } = config.projector;
        const stream = config.stream.name;
        jetstreamLag(registry, jsm, () => [{ stream, consumer: name, durable: true }]);
        // The committed position, from the database: true on a standby instance too.
        const position = () => readModelPosition(sql, name);
        projectionLag(registry, jsm, () => [{ projection: name, stream, position }]);
      },
    },
    rateLimits: config.rateLimits,
    surveys: surveyTokens(keyring.searchKey, config.profiles),
    csat: config.csat,
    statuses: new CustomStatusStore(sql, config.customStatuses.maxPerTenant),
    maxStatusNameChars: config.customStatuses.maxNameChars,
    time: config.timeTracking,
    macros: new MacroStore(sql, config.macros.maxPerOwner),
    maxMacroNameChars: config.macros.maxNameChars,
    loader,
    nextId: () => ids.next(),
    now: () => new Date(),
    keyring: { keyring, dataKeys, rewrap, address: config.rateLimits },
    erasure: {
      commands,
      dataKeys,
      sql,
      caughtUp: async () =>
        waitForReadModel(
          sql,
          config.projector.name,
          await streamHead(jsm, config.stream.name),
          config.limits.maxReadWaitMs,
        ),
      nextId: () => ids.next(),
      log,
    },
  });
  const responder = respondToTicketCommands(nc, commands, {
    maxRequestBytes: config.limits.maxRequestBytes,
    maxSubjectChars: config.limits.maxSubjectChars,
    maxBodyChars: config.limits.maxBodyChars,
  }, log);
  const access = respondToTicketAccess(nc, loader, log, config.pairs.maxChain);
  log.info("tickets service started", {
    workerId: lease.workerId,
    projector: deps.projectorThread ? "worker thread" : "main thread",
  });
  return {
    fetch: app.fetch,
    watch,
    async stop() {
      await sweeper.stop();
      await responder.drain().catch(() => {});
      await access.drain().catch(() => {});
      await leader.stop();
      await lease.release();
      closeEnvelope();
    },
  };
}
