/**
 * Every setting of the identity service, read from the environment in one place. Lifetimes,
 * lockout and rate limits are named settings here, never literals in the code.
 * @module
 */
import { TENANT } from "@ticketd/shared/http/auth.ts";
import type { BucketPolicy } from "@ticketd/shared/http/rate_limit.ts";
import type { LogLevel } from "@ticketd/shared/log/logger.ts";
import type { LockoutPolicy } from "./domain/lockout.ts";
import { redirectUriProblem } from "./domain/redirect_uris.ts";
import type { ScryptParams } from "./passwords.ts";
import { isSigningAlg, type SigningAlg } from "./signing/signer.ts";
import { intSettings, textSettings } from "@ticketd/shared/runtime/env_settings.ts";
import { type ActivitySettings, activitySettings } from "@ticketd/shared/activity/settings.ts";
import { loadTlsSettings, type TlsSettings } from "@ticketd/shared/runtime/tls_settings.ts";
import { OFFLINE_TOOL_WORKER_ID } from "@ticketd/shared/ids/worker_lease.ts";
import {
  loadOperationsSettings,
  type OperationsSettings,
} from "@ticketd/shared/metrics/settings.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface IdentityRateLimits {
  /** Every route, per client address and per bearer token. */
  perAddress: BucketPolicy;
  perToken: BucketPolicy;
  /** `POST /oauth/token` per client address (each request may cost a scrypt). */
  token: BucketPolicy;
  /** Sign-in attempts (`POST /oauth/authorize`) per client address. */
  login: BucketPolicy;
  maxKeys: number;
  trustForwardedFor: boolean;
}

export interface IdentityConfig {
  host: string;
  port: number;
  /** The issuer URL (`iss`, metadata `issuer`); unset: `http://<host>:<port>` once listening. */
  issuer?: string;
  audience: string;
  databaseUrl?: string;
  databasePoolSize: number;
  /** `NATS_URL`: where sign-ins, grants and user changes are recorded (ACTIVITY), when run alone. */
  natsUrl?: string;
  activity: ActivitySettings;
  dataDir: string;
  /** `TICKETD_SHOWN_ONCE_FILE`: where the first admin's password goes instead of stderr. */
  shownOnceFile?: string;
  signingKeysFile?: string;
  signingAlg: SigningAlg;
  logLevel: LogLevel;
  workerId: number;
  ttl: { accessSeconds: number; refreshSeconds: number; codeSeconds: number };
  scrypt: ScryptParams;
  passwords: { minChars: number; maxChars: number };
  lockout: LockoutPolicy;
  rateLimits: IdentityRateLimits;
  limits: { maxRequestBytes: number; bodyTimeoutMs: number; maxPageSize: number };
  /** Most entries `GET /oauth/revoked` answers. */
  denyListMax: number;
  /** How often expired codes and token records are deleted. */
  purgeIntervalMs: number;
  /** HTTPS certificate, the CA for NATS and PostgreSQL (`shared/runtime/tls_settings.ts`). */
  tls: TlsSettings;
  /** How long an orderly stop may take before the process exits anyway. */
  shutdownGraceMs: number;
  /** Probes and `/metrics` (`TICKETD_METRICS_*`, shared/metrics/settings.ts). */
  operations: OperationsSettings;
  bootstrap: {
    tenant: string;
    username: string;
    password?: string;
    clientId: string;
    redirectUris?: string[];
  };
}

/** The configuration described by `env`; throws a {@link ConfigError} naming a bad setting. */
export function loadConfig(env: Record<string, string | undefined>): IdentityConfig {
  const int = intSettings(env, (message) => new ConfigError(message));
  const text = textSettings(env);
  const bucket = (name: string, burst: number, perMinute: number): BucketPolicy => ({
    capacity: int(`${name}_BURST`, burst),
    refillPerSecond: int(`${name}_PER_MINUTE`, perMinute) / 60,
  });
  const logLevel = text("TICKETD_LOG_LEVEL", "info") as LogLevel;
  if (!["debug", "info", "warn", "error"].includes(logLevel)) {
    throw new ConfigError(`TICKETD_LOG_LEVEL must be debug, info, warn or error`);
  }
  const signingAlg = text("TICKETD_SIGNING_ALG", "EdDSA");
  if (!isSigningAlg(signingAlg)) {
    throw new ConfigError(`TICKETD_SIGNING_ALG must be EdDSA, ES256 or SM2, got "${signingAlg}"`);
  }
  const lockoutSeconds = int("TICKETD_LOGIN_LOCKOUT_SECONDS", 900);
  const tenant = text("TICKETD_IDENTITY_BOOTSTRAP_TENANT", "demo");
  if (!TENANT.test(tenant)) {
    throw new ConfigError(`TICKETD_IDENTITY_BOOTSTRAP_TENANT must match ${TENANT}`);
  }
  return {
    host: text("TICKETD_IDENTITY_HOST") ?? text("TICKETD_HOST", "127.0.0.1"),
    port: int("TICKETD_IDENTITY_PORT", 8081, 0, 65535),
    issuer: issuerUrl(env.TICKETD_IDENTITY_ISSUER),
    audience: text("TICKETD_JWT_AUDIENCE", "ticketd"),
    databaseUrl: text("DATABASE_URL"),
    databasePoolSize: int("TICKETD_DB_POOL", 10),
    natsUrl: text("NATS_URL"),
    activity: activitySettings(int),
    dataDir: text("TICKETD_DATA_DIR", "data"),
    shownOnceFile: text("TICKETD_SHOWN_ONCE_FILE"),
    tls: loadTlsSettings(env),
    signingKeysFile: text("TICKETD_SIGNING_KEYS_FILE"),
    signingAlg,
    logLevel,
    workerId: int("TICKETD_IDENTITY_WORKER_ID", OFFLINE_TOOL_WORKER_ID, 0, OFFLINE_TOOL_WORKER_ID),
    shutdownGraceMs: int("TICKETD_SHUTDOWN_GRACE_SECONDS", 20, 1) * 1000,
    operations: loadOperationsSettings(env, (message) => new ConfigError(message)),
    ttl: {
      accessSeconds: int("TICKETD_ACCESS_TOKEN_TTL_SECONDS", 900),
      refreshSeconds: int("TICKETD_REFRESH_TOKEN_TTL_SECONDS", 30 * 86_400),
      codeSeconds: int("TICKETD_AUTH_CODE_TTL_SECONDS", 60),
    },
    scrypt: { logN: int("TICKETD_SCRYPT_LOG_N", 14, 12, 20), r: 8, p: 1 },
    passwords: {
      minChars: int("TICKETD_PASSWORD_MIN_CHARS", 10),
      maxChars: int("TICKETD_PASSWORD_MAX_CHARS", 256),
    },
    lockout: {
      maxFailures: int("TICKETD_LOGIN_MAX_FAILURES", 5),
      lockoutMs: lockoutSeconds * 1000,
    },
    rateLimits: {
      perAddress: bucket("TICKETD_IDENTITY_RATE_ADDRESS", 120, 600),
      perToken: bucket("TICKETD_IDENTITY_RATE_TOKEN", 60, 300),
      token: bucket("TICKETD_IDENTITY_RATE_TOKEN_ENDPOINT", 30, 120),
      login: bucket("TICKETD_IDENTITY_RATE_LOGIN", 10, 10),
      maxKeys: int("TICKETD_RATE_MAX_KEYS", 10_000),
      trustForwardedFor: flag(env, "TICKETD_TRUST_FORWARDED_FOR"),
    },
    limits: {
      maxRequestBytes: int("TICKETD_IDENTITY_MAX_REQUEST_BYTES", 65_536),
      bodyTimeoutMs: int("TICKETD_BODY_TIMEOUT_MS", 10_000),
      maxPageSize: int("TICKETD_MAX_PAGE_SIZE", 200),
    },
    denyListMax: int("TICKETD_IDENTITY_DENY_LIST_MAX", 10_000),
    purgeIntervalMs: int("TICKETD_IDENTITY_PURGE_INTERVAL_SECONDS", 3_600) * 1000,
    bootstrap: {
      tenant,
      username: text("TICKETD_IDENTITY_BOOTSTRAP_USERNAME", "admin"),
      password: text("TICKETD_IDENTITY_BOOTSTRAP_PASSWORD"),
      clientId: text("TICKETD_IDENTITY_BOOTSTRAP_CLIENT_ID", "console"),
      redirectUris: bootstrapRedirectUris(env.TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS),
    },
  };
}

function flag(env: Record<string, string | undefined>, name: string): boolean {
  const raw = env[name] ?? "";
  if (!["", "0", "1", "true", "false"].includes(raw)) {
    throw new ConfigError(`${name} must be true or false, got "${raw}"`);
  }
  return raw === "1" || raw === "true";
}

/** Space-separated redirect URIs of the first client, each checked like `add-client`'s. */
function bootstrapRedirectUris(raw: string | undefined): string[] | undefined {
  const uris = (raw ?? "").split(/\s+/).filter(Boolean);
  if (uris.length === 0) return undefined;
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) {
      throw new ConfigError(
        `TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS: ${
          JSON.stringify(uri)
        } is refused: it ${problem}`,
      );
    }
  }
  return uris;
}

function issuerUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`TICKETD_IDENTITY_ISSUER must be a URL, got "${raw}"`);
  }
  if (url.pathname !== "/" || url.search || url.hash || !/^https?:$/.test(url.protocol)) {
    throw new ConfigError("TICKETD_IDENTITY_ISSUER must be an http(s) origin, without path");
  }
  return url.origin;
}
