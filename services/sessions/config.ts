/**
 * The sessions service's settings, read once from the environment (connections, keys and token
 * checks are the tickets service's: sessions runs beside it on them, `deno task start`).
 * @module
 */
import { intSettings, textSettings } from "@ticketd/shared/runtime/env_settings.ts";
import { type BotHostSettings, loadBotHostSettings } from "./bots/settings.ts";
import { type CollisionSettings, DEFAULT_COLLISION_SETTINGS } from "./collision/collision.ts";
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from "./http/limits.ts";
import { DEFAULT_QUEUE_PUSH_MS } from "./notifications/queue_batch.ts";

export class SessionsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SessionsConfigError";
  }
}

export interface SessionsConfig {
  host: string;
  port: number;
  /** Idle time after which a conversation is closed and archived. */
  expiryMs: number;
  /** Conversation states kept in memory in front of the KV bucket. */
  cacheEntries: number;
  /** The plugin that answers first; "" means no bot (customers wait for an agent). */
  bot: string;
  bots: BotHostSettings;
  limits: SessionLimits;
  maxRequestBytes: number;
  bodyTimeoutMs: number;
  commandTimeoutMs: number;
  /** Longest ticket body (the tickets service's `TICKETD_MAX_BODY_CHARS`). */
  maxBodyChars: number;
  /** Queue changes gathered into one push per queue (`TICKETD_SESSIONS_QUEUE_PUSH_MS`). */
  queuePushMs: number;
  /** Collision presence: claim, viewer and typing expiries. */
  collision: CollisionSettings;
  /** `TICKETD_TRUST_FORWARDED_FOR`: the address recorded with a chat event is the last hop. */
  trustForwardedFor: boolean;
}

/** Reads `TICKETD_SESSIONS_*` (and the bots' `TICKETD_BOTS_*`) from `env`. */
export function loadSessionsConfig(env: Record<string, string | undefined>): SessionsConfig {
  const int = intSettings(env, (message) => new SessionsConfigError(message));
  const text = textSettings(env);
  const d = DEFAULT_SESSION_LIMITS;
  const c = DEFAULT_COLLISION_SETTINGS;
  let bots: BotHostSettings;
  try {
    bots = loadBotHostSettings(env);
  } catch (error) {
    throw new SessionsConfigError((error as Error).message);
  }
  return {
    host: text("TICKETD_SESSIONS_HOST") ?? text("TICKETD_HOST", "127.0.0.1"),
    port: int("TICKETD_SESSIONS_PORT", 8083, 0, 65_535),
    // At least the KV bucket's 2-minute duplicate window, which may not outlast its entries.
    expiryMs: int("TICKETD_SESSIONS_EXPIRY_MINUTES", 30, 3, 7 * 24 * 60) * 60_000,
    cacheEntries: int("TICKETD_SESSIONS_CACHE_ENTRIES", 10_000),
    bot: text("TICKETD_SESSIONS_BOT", "faq"),
    bots,
    limits: {
      messageChars: int("TICKETD_SESSIONS_MESSAGE_CHARS", d.messageChars),
      frameBytes: int("TICKETD_SESSIONS_FRAME_BYTES", d.frameBytes, 256),
      framesPerSecond: int("TICKETD_SESSIONS_FRAMES_PER_SECOND", d.framesPerSecond),
      frameBurst: int("TICKETD_SESSIONS_FRAME_BURST", d.frameBurst),
      rateLimitStrikes: int("TICKETD_SESSIONS_RATE_STRIKES", d.rateLimitStrikes),
      connectionsPerAddress: int(
        "TICKETD_SESSIONS_CONNECTIONS_PER_ADDRESS",
        d.connectionsPerAddress,
      ),
      idleMs: int("TICKETD_SESSIONS_IDLE_SECONDS", d.idleMs / 1000) * 1000,
      authDeadlineMs: int("TICKETD_SESSIONS_AUTH_DEADLINE_MS", d.authDeadlineMs, 100),
      attachmentsPerConnection: int("TICKETD_SESSIONS_ATTACHMENTS", d.attachmentsPerConnection),
      sendBufferBytes: int("TICKETD_SESSIONS_SEND_BUFFER_BYTES", d.sendBufferBytes, 1_024),
      sseHeartbeatMs: int("TICKETD_SESSIONS_SSE_HEARTBEAT_MS", d.sseHeartbeatMs, 100),
    },
    maxRequestBytes: int("TICKETD_SESSIONS_MAX_REQUEST_BYTES", 65_536, 1_024),
    bodyTimeoutMs: int("TICKETD_BODY_TIMEOUT_MS", 10_000),
    commandTimeoutMs: int("TICKETD_SESSIONS_COMMAND_TIMEOUT_MS", 5_000),
    maxBodyChars: int("TICKETD_MAX_BODY_CHARS", 200_000),
    queuePushMs: int("TICKETD_SESSIONS_QUEUE_PUSH_MS", DEFAULT_QUEUE_PUSH_MS, 10, 60_000),
    collision: {
      claimMs: int("TICKETD_SESSIONS_CLAIM_SECONDS", c.claimMs / 1000, 1, 3_600) * 1000,
      viewerMs: int("TICKETD_SESSIONS_VIEWER_SECONDS", c.viewerMs / 1000, 3, 3_600) * 1000,
      typingMs: int("TICKETD_SESSIONS_TYPING_MS", c.typingMs, 1_000, 60_000),
    },
    trustForwardedFor: env.TICKETD_TRUST_FORWARDED_FOR === "true",
  };
}
