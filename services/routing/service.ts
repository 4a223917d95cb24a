/**
 * The routing service assembled from live connections: migrations applied, stores, presence,
 * models, rules, SLA clocks and the similar-ticket index wired to the router, which then follows
 * the ticket stream from its first message. Used by `deno task start` and the tests.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Sql } from "postgres";
import { ticketCommandSender } from "@ticketd/shared/commands/ticket_command_client.ts";
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";
import type { TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import type { Verifier } from "@ticketd/shared/http/auth.ts";
import { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import { leaseServiceWorkerId } from "@ticketd/shared/ids/worker_lease.ts";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { keepActedPosition } from "./adapters/acted_position.ts";
import { followTickets } from "./adapters/ticket_feed.ts";
import { AgentDirectory } from "./agent_directory.ts";
import type { RoutingConfig } from "./config.ts";
import type { CustomFieldSchema } from "./domain/rules/validate.ts";
import type { TrackedTicket } from "./domain/ticket_fold.ts";
import { routingApp } from "./http/app.ts";
import { agentsRoutes } from "./http/agents_routes.ts";
import { rulesRoutes } from "./http/rules_routes.ts";
import { slaAtRiskRoutes } from "./http/sla_at_risk_routes.ts";
import { slaRoutes } from "./http/sla_routes.ts";
import { ticketRoutes } from "./http/ticket_routes.ts";
import { ModelBook, reloadOnModelsChanged } from "./model_book.ts";
import { openPresenceBucket } from "./presence/presence_bucket.ts";
import { PresenceBoard } from "./presence/presence_board.ts";
import { Router } from "./router.ts";
import { RuleBook } from "./rule_book.ts";
import { SimilarIndex, similarTokenHasher } from "./similar/mod.ts";
import { SlaWatch } from "./sla_watch.ts";
import { AgentStore } from "./store/agents_store.ts";
import { RulesStore } from "./store/rules_store.ts";
import { SlaStore } from "./store/sla_store.ts";
import { ActivityRecorder } from "@ticketd/shared/activity/recorder.ts";
import { ensureActivityStream } from "@ticketd/shared/activity/stream.ts";
import { jetstreamLag } from "@ticketd/shared/metrics/jetstream_lag.ts";
import { projectionLag } from "@ticketd/shared/metrics/projection_lag.ts";
import type { OperationsSettings } from "@ticketd/shared/metrics/settings.ts";

export interface RoutingServiceDeps {
  nc: NatsConnection;
  /** With the `postgres.camel` transform, as every Ticketd service uses. */
  sql: Sql;
  keyring: Keyring;
  profiles: TenantProfiles;
  dataKeyCacheEntries: number;
  verify: Verifier;
  customFields: CustomFieldSchema;
  /** Where tenants' retrained models live (`<dir>/<tenant>/<kind>.model`); null: none. */
  tenantModelsDir: string | null;
  /** The ticket stream's name. */
  ticketStream: string;
  log: Logger;
  /** Probes and `/metrics` (the tickets config's `operations`); default: the defaults. */
  operations?: OperationsSettings;
}

export interface RoutingService {
  fetch: (request: Request) => Response | Promise<Response>;
  router: Router;
  similar: SimilarIndex;
  /** Resolves once routing has caught up with the ticket stream as it was at start. */
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

export async function startRoutingService(
  config: RoutingConfig,
  deps: RoutingServiceDeps,
): Promise<RoutingService> {
  const { nc, sql, log } = deps;
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  await migrate(sql, "routing", new URL("./migrations/", import.meta.url));
  const kvm = new Kvm(nc);
  const lease = await leaseServiceWorkerId(kvm, "routing", log);
  const ids = new SnowflakeGenerator(lease.workerId);
  const { envelope, close: closeEnvelope } = await openEnvelope(nc, jsm, {
    keyring: deps.keyring,
    profiles: deps.profiles,
    dataKeyCacheEntries: deps.dataKeyCacheEntries,
  });
  const now = () => Date.now();
  const rulesStore = new RulesStore(sql, {
    nextId: () => ids.next(),
    limits: {
      maxRules: config.maxRulesPerTenant,
      maxConditions: config.maxConditionsPerRule,
      maxPatternLength: 500,
    },
  });
  const agentStore = new AgentStore(sql);
  const slaStore = new SlaStore(sql);
  const ruleBook = new RuleBook({
    nc,
    rules: async (tenant) => (await rulesStore.list(tenant)).rules,
    timeZone: async (tenant) =>
      (await slaStore.calendar(tenant))?.timeZone ?? config.defaultTimeZone,
    now,
    regexTextLimit: config.maxRegexInputChars,
  });
  const models = await ModelBook.open(config.modelsDir, deps.tenantModelsDir, log);
  const modelReloads = reloadOnModelsChanged(nc, models, log);
  const similar = new SimilarIndex(
    similarTokenHasher(deps.keyring.searchKey, deps.profiles, config.similarMemoEntries),
  );
  const openText = async (ticket: TrackedTicket) => {
    const scope = { tenant: ticket.tenant, ticketId: ticket.ticketId };
    const [subject, body] = await Promise.all([
      ticket.sealedSubject ? envelope.openUnlessErased(ticket.sealedSubject, scope) : null,
      ticket.sealedBody ? envelope.openUnlessErased(ticket.sealedBody, scope) : null,
    ]);
    return { subject: subject ?? "", body: body ?? "" };
  };

  const presence = new PresenceBoard(nc, await openPresenceBucket(nc, config.presenceTtlMs), {
    ttlMs: config.presenceTtlMs,
    log,
  });
  // The directory and SLA clocks call into the router, which needs them to exist first.
  const late: { router?: Router } = {};
  const directory = await AgentDirectory.open(
    nc,
    sql,
    agentStore,
    (tenant) => late.router?.assignWaiting(tenant),
  );
  const sla = await SlaWatch.open({
    js,
    jsm,
    policy: (tenant) => slaStore.policy(tenant),
    escalate: (tenant, ticketId, trigger) => late.router?.escalate(tenant, ticketId, trigger),
    log,
    now,
  });
  const routed = late.router = new Router({
    openText,
    rules: (ticket, trigger) => ruleBook.actions(ticket, trigger),
    // The model may only name a queue the tenant staffs: the bootstrap one knows banking's.
    model: (ticket, ask) => {
      const staffs = directory.agents(ticket.tenant).length > 0;
      const { groupId, priority } = models.guess(ticket, { ...ask, queue: ask.queue && staffs });
      const staffed = groupId && directory.hasGroup(ticket.tenant, groupId) ? { groupId } : {};
      return { ...staffed, priority };
    },
    agents: (tenant) => directory.agents(tenant),
    presence: (tenant, agentId) => presence.status(tenant, agentId),
    similar,
    tracked: (ticket, previous) => sla.update(ticket, previous),
    send: ticketCommandSender(nc, config.commandTimeoutMs),
    notify: (tenant, notice) => nc.publish(`routing.notify.${tenant}`, JSON.stringify(notice)),
    log,
    now,
  }, config.maxDecisions);
  presence.onChange((change) => {
    if (change.status === "online") routed.assignWaiting(change.tenant);
    if (change.status === "offline") routed.requeueFrom(change.tenant, change.agentId);
  });
  await presence.start();

  const { promise: caughtUp, resolve: markCaughtUp } = Promise.withResolvers<void>();
  let position = () => 0;
  const acted = await keepActedPosition(
    await kvm.create("routing-position"),
    () => position(),
    () => routed.live && routed.inFlight === 0,
    1_000,
  );
  const feed = await followTickets(
    js,
    jsm,
    deps.ticketStream,
    {
      commit: (commit, version, live) => routed.commit(commit, version, live),
      caughtUp: () => {
        routed.caughtUp();
        sla.start();
        markCaughtUp();
      },
    },
    log,
    acted.saved,
  );
  position = () => feed.position;

  const body = { maxBytes: config.maxRequestBytes, timeoutMs: config.bodyTimeoutMs };
  const ticketView = (tenant: string, ticketId: string) => routed.view(tenant, ticketId);
  const rules = rulesRoutes({
    rules: rulesStore,
    ticketView,
    customFieldSchema: () => deps.customFields,
    timeZone: (tenant) => ruleBook.zoneNow(tenant),
    now,
    limits: body,
    onRulesChanged: (tenant) => ruleBook.changed(tenant),
  });
  // The rules routes read the zone synchronously: load it before they run.
  rules.use("/routing/rules/*", async (c, next) => {
    await ruleBook.timeZone(c.get("principal").tenant);
    await next();
  });
  await ensureActivityStream(jsm, config.activity);
  const recorder = new ActivityRecorder({
    js,
    service: "routing",
    nextId: () => ids.next(),
    now: () => new Date(),
    settings: config.activity,
    log,
  });
  const app = routingApp({
    verify: deps.verify,
    log,
    activity: { recorder, address: config },
    operations: {
      service: "routing",
      settings: deps.operations,
      nc,
      sql,
      started: () => routed.live,
      metrics: (registry) => {
        const stream = deps.ticketStream;
        // Ordered and ephemeral: its lag is the stream's last sequence minus what was folded.
        jetstreamLag(registry, jsm, () => [
          { stream, consumer: "routing-feed", durable: false, position: () => feed.position },
        ]);
        projectionLag(registry, jsm, () => [
          { projection: "routing-acted", stream, position: () => acted.position },
        ]);
      },
    },
    routes: [
      rules,
      agentsRoutes({
        agents: agentStore,
        presence,
        presenceTtlMs: config.presenceTtlMs,
        defaultCapacity: config.defaultAgentCapacity,
        body,
        maxPageSize: config.maxPageSize,
        onAgentChanged: (tenant) => directory.changed(tenant),
      }),
      slaRoutes({
        store: slaStore,
        ticketView,
        slaState: (tenant, ticketId) => Promise.resolve(sla.state(tenant, ticketId)),
        now,
        body,
        onPolicyChanged: (tenant) => {
          ruleBook.changed(tenant);
          void sla.policyChanged(tenant);
        },
      }),
      slaAtRiskRoutes({
        states: (tenant) => sla.statesOf(tenant),
        policy: (tenant) => slaStore.policy(tenant),
        ticketView,
        tracked: (tenant, ticketId) => routed.ticket(tenant, ticketId),
        now,
        maxPageSize: config.maxPageSize,
      }),
      ticketRoutes({
        ticket: (tenant, id) => routed.ticket(tenant, id),
        decision: (tenant, id) => routed.decision(tenant, id),
        similarTo: (tenant, id, k) => similar.similarTo(tenant, id, k),
        status: async () => ({
          live: routed.live,
          position: feed.position,
          lag: await feed.lag(),
          decisionsInFlight: routed.inFlight,
          slaClocks: sla.tracked,
          similarIndexBytes: similar.memoryBytes(),
        }),
      }),
    ],
  });
  log.info("routing service started", { workerId: lease.workerId });
  return {
    fetch: app.fetch,
    router: routed,
    similar,
    caughtUp,
    async stop() {
      await feed.stop();
      await routed.settled();
      await acted.stop();
      sla.stop();
      await presence.stop();
      await Promise.all([ruleBook.stop(), directory.stop(), modelReloads.stop()]);
      await lease.release();
      closeEnvelope();
    },
  };
}
