/**
 * The routing service's settings, read once from the environment. Connections, keys and token
 * checks are the tickets service's (routing runs beside it on them, `deno task start`); these
 * are routing's own knobs, each a named setting with a default.
 * @module
 */
import { isTimeZone } from "./domain/local_time.ts";
import { intSettings, textSettings } from "@ticketd/shared/runtime/env_settings.ts";
import { type ActivitySettings, activitySettings } from "@ticketd/shared/activity/settings.ts";

export class RoutingConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RoutingConfigError";
  }
}

export interface RoutingConfig {
  host: string;
  port: number;
  /** How long a ticket command over NATS may take before routing gives up on it. */
  commandTimeoutMs: number;
  /** The zone of time-of-day rules for tenants without an SLA calendar. */
  defaultTimeZone: string;
  /** Folder of the bootstrap models (`queue.model`, `priority.model`); "" turns the model off. */
  modelsDir: string;
  presenceTtlMs: number;
  defaultAgentCapacity: number;
  maxRulesPerTenant: number;
  maxConditionsPerRule: number;
  maxRegexInputChars: number;
  maxRequestBytes: number;
  bodyTimeoutMs: number;
  maxPageSize: number;
  /** Last decisions kept for `GET /routing/tickets/:id/decision`. */
  maxDecisions: number;
  /** Token hashes kept in memory for the similar index (0: none). */
  similarMemoEntries: number;
  /** `TICKETD_TRUST_FORWARDED_FOR`: the address recorded with an admin change is the last hop. */
  trustForwardedFor: boolean;
  activity: ActivitySettings;
}

/** Reads `TICKETD_ROUTING_*` from `env`; throws {@link RoutingConfigError} naming the setting. */
export function loadRoutingConfig(env: Record<string, string | undefined>): RoutingConfig {
  const int = intSettings(env, (message) => new RoutingConfigError(message));
  const text = textSettings(env);
  const defaultTimeZone = text("TICKETD_ROUTING_TIME_ZONE", "UTC");
  if (!isTimeZone(defaultTimeZone)) {
    throw new RoutingConfigError(
      `TICKETD_ROUTING_TIME_ZONE must be an IANA time zone such as Asia/Shanghai, got "${defaultTimeZone}"`,
    );
  }
  return {
    host: text("TICKETD_ROUTING_HOST") ?? text("TICKETD_HOST", "127.0.0.1"),
    port: int("TICKETD_ROUTING_PORT", 8082, 0, 65_535),
    commandTimeoutMs: int("TICKETD_ROUTING_COMMAND_TIMEOUT_MS", 5_000),
    defaultTimeZone,
    modelsDir: text("TICKETD_ROUTING_MODELS_DIR") ?? new URL("./models/", import.meta.url).pathname,
    presenceTtlMs: int("TICKETD_ROUTING_PRESENCE_TTL_SECONDS", 30, 3, 3_600) * 1000,
    defaultAgentCapacity: int("TICKETD_ROUTING_AGENT_CAPACITY", 5, 1, 10_000),
    maxRulesPerTenant: int("TICKETD_ROUTING_MAX_RULES", 200, 1, 10_000),
    maxConditionsPerRule: int("TICKETD_ROUTING_MAX_CONDITIONS", 50, 1, 1_000),
    maxRegexInputChars: int("TICKETD_ROUTING_MAX_REGEX_INPUT_CHARS", 20_000, 100),
    maxRequestBytes: int("TICKETD_ROUTING_MAX_REQUEST_BYTES", 262_144, 1_024),
    bodyTimeoutMs: int("TICKETD_BODY_TIMEOUT_MS", 10_000),
    maxPageSize: int("TICKETD_MAX_PAGE_SIZE", 200),
    maxDecisions: int("TICKETD_ROUTING_MAX_DECISIONS", 100_000),
    similarMemoEntries: int("TICKETD_ROUTING_SIMILAR_MEMO", 200_000, 0),
    trustForwardedFor: env.TICKETD_TRUST_FORWARDED_FOR === "true",
    activity: activitySettings(int),
  };
}
