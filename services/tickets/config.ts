/**
 * Every setting of the tickets service, read from the environment in one place, with defaults
 * that suit one machine. Limits are named settings here, never literals in the code.
 * @module
 */
import type { LogLevel } from "@ticketd/shared/log/logger.ts";
import type { RateLimitSettings } from "@ticketd/shared/http/rate_limit.ts";
import { JWS_ALGORITHMS, type JwsAlgorithm } from "@ticketd/shared/http/jwk_set.ts";
import { parseTenantProfiles, type TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import type { HttpLimits } from "./http/schemas.ts";
import { intSettings, textSettings } from "@ticketd/shared/runtime/env_settings.ts";
import { type ActivitySettings, activitySettings } from "@ticketd/shared/activity/settings.ts";
import { loadTlsSettings, type TlsSettings } from "@ticketd/shared/runtime/tls_settings.ts";
import {
  loadOperationsSettings,
  type OperationsSettings,
} from "@ticketd/shared/metrics/settings.ts";

/** A setting has a value the service cannot use; the message names the setting. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Where the projector runs: its own worker thread, or the main thread (`auto`: a worker when
 * `DATABASE_URL` names a real server; the embedded database takes one connection only). */
export type ProjectorThreading = "auto" | "worker" | "inline";

/** How bearer tokens are checked: without keys or a JWKS URL, against the dev key. */
export interface JwtConfig {
  audience: string;
  /** Required with `publicJwks` or `jwksUrl`. */
  issuer?: string;
  publicJwks?: string;
  jwksUrl?: string;
  /** The accepted `alg` values; default all of EdDSA, ES256 and SM2. */
  algorithms?: JwsAlgorithm[];
  /** `TICKETD_JWT_REQUIRE_SCOPE`: refuse tokens without a `scope` claim (with one it must grant `tickets`). */
  scopeRequired: boolean;
}

export interface TicketsConfig {
  host: string;
  port: number;
  /** Unset: a private nats-server is started with its data under `dataDir`. */
  natsUrl?: string;
  /** Unset: an embedded PostgreSQL (PGlite) is used with its data under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** `TICKETD_SHOWN_ONCE_FILE`: where the dev admin token goes instead of stderr. */
  shownOnceFile?: string;
  keyringFile?: string;
  /** `TICKETD_KEYRING`: the keyring JSON itself (a file is safer: environments leak). */
  keyringJson?: string;
  /** Which envelope profile (`intl` or `gm`) each tenant's new data keys use. */
  profiles: TenantProfiles;
  dataKeyCacheEntries: number;
  jwt: JwtConfig;
  customFieldsFile?: string;
  logLevel: LogLevel;
  limits: HttpLimits;
  /** An identity service's deny list of revoked access tokens, polled (when it runs apart). */
  revocation?: { url: string; pollMs: number };
  /** Requests per client address and per bearer token on every endpoint (429 beyond). */
  rateLimits: RateLimitSettings;
  maxTags: number;
  /** The satisfaction survey: how long its link lasts, the longest comment (docs/csat.md). */
  csat: { surveyDays: number; maxCommentChars: number };
  /** The custom status catalogue: statuses per tenant (retired ones count), name length. */
  customStatuses: { maxPerTenant: number; maxNameChars: number };
  /** Time tracking: the largest entry (either sign), the longest note. */
  timeTracking: { maxEntryMinutes: number; maxNoteChars: number };
  /** Macros: how many one owner (the tenant, or an agent) keeps; the longest name. */
  macros: { maxPerOwner: number; maxNameChars: number };
  /** `replicas`: copies of TICKETS on a cluster (`TICKETD_STREAM_REPLICAS`, unset: as it is). */
  stream: { name: string; duplicateWindowMs: number; replicas?: number };
  projector: { name: string; batchSize: number; maxTokens: number; thread: ProjectorThreading };
  numberBlockSize: number;
  stateCacheEntries: number;
  commandAttempts: number;
  /** Merges and links (`pairs/pair_runner.ts`): reservation timeout, chain bound, sweep period. */
  pairs: { reservationMs: number; maxChain: number; sweepEveryMs: number };
  databasePoolSize: number;
  /** How long an orderly stop may take before the process exits anyway (`TICKETD_SHUTDOWN_GRACE_SECONDS`). */
  shutdownGraceMs: number;
  /** The ACTIVITY stream and how staff reads and admin actions are recorded into it. */
  activity: ActivitySettings;
  /** HTTPS certificate, the CA for NATS and PostgreSQL (`shared/runtime/tls_settings.ts`). */
  tls: TlsSettings;
  /** Probes and `/metrics` of every service (`TICKETD_METRICS_*`, shared/metrics/settings.ts). */
  operations: OperationsSettings;
}

/** The configuration described by `env`; throws a readable error on a malformed value. */
export function loadConfig(env: Record<string, string | undefined>): TicketsConfig {
  const int = intSettings(env, (message) => new ConfigError(message));
  const text = textSettings(env);
  // A burst, then a steady rate: `<NAME>_BURST` requests at once, `<NAME>_PER_MINUTE` after.
  const bucket = (name: string, burst: number, perMinute: number) => ({
    capacity: int(`${name}_BURST`, burst),
    refillPerSecond: int(`${name}_PER_MINUTE`, perMinute) / 60,
  });
  const logLevel = text("TICKETD_LOG_LEVEL", "info") as LogLevel;
  if (!["debug", "info", "warn", "error"].includes(logLevel)) {
    throw new ConfigError(
      `TICKETD_LOG_LEVEL must be debug, info, warn or error, got "${logLevel}"`,
    );
  }
  return {
    host: text("TICKETD_HOST", "127.0.0.1"),
    port: int("TICKETD_PORT", 8080, 0, 65_535),
    natsUrl: text("NATS_URL"),
    databaseUrl: text("DATABASE_URL"),
    dataDir: text("TICKETD_DATA_DIR", "data"),
    shownOnceFile: text("TICKETD_SHOWN_ONCE_FILE"),
    keyringFile: text("TICKETD_KEYRING_FILE"),
    keyringJson: text("TICKETD_KEYRING"),
    profiles: profiles(env),
    dataKeyCacheEntries: int("TICKETD_DATA_KEY_CACHE_ENTRIES", 100_000),
    jwt: jwtConfig(env),
    customFieldsFile: text("TICKETD_CUSTOM_FIELDS_FILE"),
    logLevel,
    limits: {
      maxRequestBytes: int("TICKETD_MAX_REQUEST_BYTES", 1_048_576),
      bodyTimeoutMs: int("TICKETD_BODY_TIMEOUT_MS", 10_000),
      maxSubjectChars: int("TICKETD_MAX_SUBJECT_CHARS", 500),
      maxBodyChars: int("TICKETD_MAX_BODY_CHARS", 200_000),
      maxPageSize: int("TICKETD_MAX_PAGE_SIZE", 200),
      maxListIds: int("TICKETD_MAX_LIST_IDS", 100),
      maxReadWaitMs: int("TICKETD_MAX_READ_WAIT_MS", 5_000, 0),
    },
    revocation: env.TICKETD_REVOCATION_URL
      ? {
        url: env.TICKETD_REVOCATION_URL,
        pollMs: int("TICKETD_REVOCATION_POLL_SECONDS", 5) * 1000,
      }
      : undefined,
    rateLimits: {
      perAddress: bucket("TICKETD_RATE_ADDRESS", 600, 18_000),
      perToken: bucket("TICKETD_RATE_TOKEN", 300, 6_000),
      maxKeys: int("TICKETD_RATE_MAX_KEYS", 10_000),
      trustForwardedFor: env.TICKETD_TRUST_FORWARDED_FOR === "true",
    },
    maxTags: int("TICKETD_MAX_TAGS", 50),
    csat: {
      surveyDays: int("TICKETD_CSAT_SURVEY_DAYS", 14, 1, 365),
      maxCommentChars: int("TICKETD_CSAT_COMMENT_MAX_CHARS", 2_000, 1, 20_000),
    },
    customStatuses: {
      maxPerTenant: int("TICKETD_MAX_CUSTOM_STATUSES", 100),
      maxNameChars: int("TICKETD_MAX_STATUS_NAME_CHARS", 64),
    },
    macros: {
      maxPerOwner: int("TICKETD_MAX_MACROS", 200),
      maxNameChars: int("TICKETD_MAX_MACRO_NAME_CHARS", 100),
    },
    timeTracking: {
      maxEntryMinutes: int("TICKETD_TIME_ENTRY_MAX_MINUTES", 1_440),
      maxNoteChars: int("TICKETD_TIME_NOTE_MAX_CHARS", 2_000),
    },
    stream: {
      name: "TICKETS",
      duplicateWindowMs: int("TICKETD_DUPLICATE_WINDOW_SECONDS", 3_600) * 1000,
      // Unset keeps what the stream has, so a start never undoes an operator's `--replicas 3`.
      replicas: env.TICKETD_STREAM_REPLICAS ? int("TICKETD_STREAM_REPLICAS", 1, 1, 5) : undefined,
    },
    projector: {
      name: "ticket-read-model",
      batchSize: int("TICKETD_PROJECTOR_BATCH", 500),
      maxTokens: int("TICKETD_SEARCH_MAX_TOKENS", 4_096),
      thread: threading(env.TICKETD_PROJECTOR_THREAD),
    },
    numberBlockSize: int("TICKETD_NUMBER_BLOCK", 100),
    stateCacheEntries: int("TICKETD_STATE_CACHE_ENTRIES", 100_000),
    commandAttempts: int("TICKETD_COMMAND_ATTEMPTS", 5),
    pairs: {
      reservationMs: int("TICKETD_PAIR_RESERVATION_SECONDS", 30, 1) * 1000,
      maxChain: int("TICKETD_MAX_TICKET_CHAIN", 50, 1),
      sweepEveryMs: int("TICKETD_PAIR_SWEEP_SECONDS", 30, 1) * 1000,
    },
    databasePoolSize: int("TICKETD_DB_POOL", 10),
    shutdownGraceMs: int("TICKETD_SHUTDOWN_GRACE_SECONDS", 20, 1) * 1000,
    activity: activitySettings(int),
    tls: loadTlsSettings(env),
    operations: loadOperationsSettings(env, (message) => new ConfigError(message)),
  };
}

function profiles(env: Record<string, string | undefined>): TenantProfiles {
  const text = textSettings(env);
  try {
    return parseTenantProfiles(text("TICKETD_CRYPTO_PROFILE", "intl"), env.TICKETD_TENANT_PROFILES);
  } catch (error) {
    throw new ConfigError(
      `TICKETD_CRYPTO_PROFILE / TICKETD_TENANT_PROFILES: ${(error as Error).message}`,
    );
  }
}

function jwtConfig(env: Record<string, string | undefined>): JwtConfig {
  const text = textSettings(env);
  const jwt = {
    audience: text("TICKETD_JWT_AUDIENCE", "ticketd"),
    issuer: text("TICKETD_JWT_ISSUER"),
    publicJwks: text("TICKETD_JWT_PUBLIC_JWKS"),
    jwksUrl: text("TICKETD_JWKS_URL"),
    algorithms: env.TICKETD_JWT_ALGORITHMS ? algorithms(env.TICKETD_JWT_ALGORITHMS) : undefined,
    scopeRequired: env.TICKETD_JWT_REQUIRE_SCOPE === "true",
  };
  if ((jwt.publicJwks || jwt.jwksUrl) && !jwt.issuer) {
    throw new ConfigError(
      "TICKETD_JWT_ISSUER must name the identity provider's issuer when TICKETD_JWKS_URL or TICKETD_JWT_PUBLIC_JWKS is set",
    );
  }
  return jwt;
}

function algorithms(raw: string): JwsAlgorithm[] {
  const names = raw.split(",").map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !JWS_ALGORITHMS.includes(name as JwsAlgorithm));
  if (names.length === 0 || unknown.length > 0) {
    throw new ConfigError(
      `TICKETD_JWT_ALGORITHMS must list some of ${JWS_ALGORITHMS.join(", ")}, got "${raw}"`,
    );
  }
  return names as JwsAlgorithm[];
}

function threading(raw: string | undefined): ProjectorThreading {
  const value = raw || "auto";
  if (value !== "auto" && value !== "worker" && value !== "inline") {
    throw new ConfigError(
      `TICKETD_PROJECTOR_THREAD must be auto, worker or inline, got "${value}"`,
    );
  }
  return value;
}
