/**
 * The sessions service assembled from live connections: conversations over NATS, the bot that
 * answers first (plugins in permission-limited workers), hand-off and archiving into tickets over
 * NATS commands, the expiry collector, agent notifications (one feed per deployment, behind a
 * lease), collision presence on tickets (viewers, typing, claims) and the HTTP app: WebSocket,
 * SSE + POST, claims. Used by `deno task start` and the tests.
 * @module
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { Hono } from "hono";
import { ticketCommandSender } from "@ticketd/shared/commands/ticket_command_client.ts";
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";
import type { TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { bearerAuth, type Principal, type Verifier } from "@ticketd/shared/http/auth.ts";
import { errorHandler, notFoundHandler } from "@ticketd/shared/http/problem.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import { leaseServiceWorkerId } from "@ticketd/shared/ids/worker_lease.ts";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { runWhileLeased } from "@ticketd/shared/runtime/lease_leader.ts";
import { jetstreamLag } from "@ticketd/shared/metrics/jetstream_lag.ts";
import { mountOperations } from "@ticketd/shared/metrics/operations_routes.ts";
import type { OperationsSettings } from "@ticketd/shared/metrics/settings.ts";
import { archiveConversation, BotDesk } from "./bot_desk.ts";
import { loadPluginHost, type PluginHost } from "./bots/plugin_host.ts";
import { releaseClaimsOnChange } from "./collision/claim_releaser.ts";
import { claimRoutes } from "./collision/claim_routes.ts";
import { CollisionDesk } from "./collision/collision_desk.ts";
import { ExpiryCollector } from "./collector.ts";
import type { SessionsConfig } from "./config.ts";
import { NatsConversations } from "./conversations.ts";
import { conversationActions } from "./http/conversation_actions.ts";
import { conversationRoutes } from "./http/conversation_routes.ts";
import type { SessionsEnv } from "./http/env.ts";
import { socketRoutes } from "./http/socket_routes.ts";
import { OpenStreams } from "./http/open_streams.ts";
import { sseRoutes } from "./http/sse_routes.ts";
import { NotificationFeed } from "./notifications/notification_feed.ts";
import type { StreamFollower } from "./notifications/stream_follower.ts";
import { NotificationInbox } from "./notifications/notification_inbox.ts";
import { TicketDesk } from "./ticket_desk.ts";

export interface SessionsServiceDeps {
  nc: NatsConnection;
  keyring: Keyring;
  profiles: TenantProfiles;
  dataKeyCacheEntries: number;
  verify: Verifier;
  /** Where the bot plugins' settings are read (`TICKETD_BOT_<PLUGIN>_<SETTING>`). */
  env: Record<string, string | undefined>;
  log: Logger;
  /** Probes and `/metrics` (the tickets config's `operations`); default: the defaults. */
  operations?: OperationsSettings;
}

export interface SessionsService {
  fetch: (request: Request, env?: { remoteAddr?: Deno.Addr }) => Response | Promise<Response>;
  conversations: NatsConversations;
  desk: BotDesk;
  bots: PluginHost | null;
  /** Ends the open event streams: call it once the server's shutdown has begun. */
  closeStreams(): void;
  stop(): Promise<void>;
}

export async function startSessionsService(
  config: SessionsConfig,
  deps: SessionsServiceDeps,
): Promise<SessionsService> {
  const { nc, log } = deps;
  const jsm = await jetstreamManager(nc);
  const kvm = new Kvm(nc);
  const lease = await leaseServiceWorkerId(kvm, "sessions", log);
  const ids = new SnowflakeGenerator(lease.workerId);
  const nextId = () => ids.next();
  const { envelope, close: closeEnvelope } = await openEnvelope(nc, jsm, {
    keyring: deps.keyring,
    profiles: deps.profiles,
    dataKeyCacheEntries: deps.dataKeyCacheEntries,
  });
  const conversations = await NatsConversations.start({
    nc,
    envelope,
    nextId,
    logger: log,
    settings: { expiryMs: config.expiryMs, cacheEntries: config.cacheEntries },
  });
  const tickets = new TicketDesk(
    ticketCommandSender(nc, config.commandTimeoutMs),
    config.maxBodyChars,
  );
  const bots = config.bot
    ? await loadPluginHost({
      settings: config.bots,
      env: deps.env,
      logger: log,
      warm: [config.bot],
    })
    : null;
  for (const problem of bots?.problems ?? []) log.warn("bot plugin not loaded", problem);
  const desk = new BotDesk({
    conversations,
    bots,
    bot: config.bot,
    tickets,
    transcriptMessages: config.bots.maxTranscriptMessages,
    log,
    nextId,
  });
  const collector = new ExpiryCollector(conversations, {
    onExpired: (state, transcript) => archiveConversation(tickets, state, transcript),
    logger: log,
  });
  await collector.start();
  const collision = await CollisionDesk.open(nc, {
    settings: config.collision,
    accessTimeoutMs: config.commandTimeoutMs,
    log,
  });
  let feed: NotificationFeed | null = null;
  let releaser: StreamFollower | null = null;
  // One per deployment: the feed, and the follower that ends claims on assign or solve.
  const feedLeader = await runWhileLeased(await kvm.create("leases", { ttl: 30_000 }), {
    start: async () => {
      feed = await NotificationFeed.start(nc, { log, queuePushMs: config.queuePushMs });
      releaser = await releaseClaimsOnChange(nc, collision.claims, log);
    },
    stop: async () => {
      await releaser?.stop();
      await feed?.stop();
    },
  }, {
    name: "sessions-notification-feed",
    owner: `sessions@${Deno.hostname()}:${Deno.pid}`,
    renewEveryMs: 5_000,
    retryEveryMs: 10_000,
    log,
  });

  const actions = conversationActions({ conversations: desk, newMessageId: nextId });
  const app = new Hono<SessionsEnv>();
  app.onError(errorHandler(log));
  app.notFound(notFoundHandler);
  mountOperations(app, {
    service: "sessions",
    settings: deps.operations,
    nc,
    // The feed's ordered consumers, while this instance holds its lease: lag = head - handled.
    metrics: (registry) =>
      jetstreamLag(registry, jsm, () =>
        (feed?.followers ?? []).map((f) => ({
          stream: f.stream,
          consumer: "sessions-notification-feed",
          durable: false,
          position: () => f.position,
        }))),
  });
  // The socket authenticates with its first frame (browsers cannot set headers on a WebSocket).
  app.route(
    "/",
    socketRoutes({
      actions,
      conversations: desk,
      verify: deps.verify,
      limits: config.limits,
      log,
      address: { trustForwardedFor: config.trustForwardedFor },
      notifications: (principal, push) => inboxFor(nc, principal, push, log),
      collision,
    }),
  );
  const v1 = new Hono<SessionsEnv>();
  v1.use(requestLog(log));
  v1.use(bearerAuth(deps.verify));
  const body = { maxBytes: config.maxRequestBytes, timeoutMs: config.bodyTimeoutMs };
  const address = { trustForwardedFor: config.trustForwardedFor };
  v1.route("/", conversationRoutes({ actions, limits: config.limits, body, address }));
  const streams = new OpenStreams();
  v1.route("/", sseRoutes({ actions, conversations: desk, limits: config.limits, streams }));
  v1.route("/", claimRoutes(collision));
  app.route("/v1", v1);
  log.info("sessions service started", { workerId: lease.workerId, bot: config.bot || null });
  return {
    fetch: (request, env) => app.fetch(request, env),
    conversations,
    desk,
    bots,
    closeStreams: () => streams.closeAll(),
    async stop() {
      streams.closeAll();
      await feedLeader.stop();
      await collector.stop();
      bots?.close();
      await conversations.stop();
      await lease.release();
      closeEnvelope();
    },
  };
}

/** A connected agent's or customer's notifications, pushed until the socket closes. */
function inboxFor(
  nc: NatsConnection,
  principal: Principal,
  push: (notification: unknown) => void,
  log: Logger,
): () => void {
  let closed = false;
  let inbox: NotificationInbox | null = null;
  const customer = principal.role === "customer";
  NotificationInbox.open(nc, {
    tenant: principal.tenant,
    agentId: principal.id,
    groupIds: customer ? [] : principal.groups,
    role: customer ? "customer" : "agent",
    // As the tickets service scopes them: agents see no group and their groups, leads all.
    queues: principal.role === "agent" ? "groups" : "tenant",
    deliver: push,
    log,
  }).then(
    (opened) => closed ? opened.close() : void (inbox = opened),
    (error) => log.warn("no notifications for this connection", { error: String(error) }),
  );
  return () => {
    closed = true;
    inbox?.close();
  };
}
