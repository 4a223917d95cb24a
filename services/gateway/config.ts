/**
 * The gateway's settings, read once from the environment: where it listens, where the console's
 * files are, and where each service behind it is (unset: found at request time).
 * @module
 */
import type { LogLevel } from "@ticketd/shared/log/logger.ts";
import { intSettings, textSettings } from "@ticketd/shared/runtime/env_settings.ts";
import {
  loadOperationsSettings,
  type OperationsSettings,
} from "@ticketd/shared/metrics/settings.ts";

export class GatewayConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GatewayConfigError";
  }
}

/** The services the gateway puts on its one origin, as `/api/<name>/...`. */
export const UPSTREAMS = [
  "tickets",
  "routing",
  "sessions",
  "attachments",
  "identity",
  "audit",
  "webhooks",
  "reports",
] as const;
export type UpstreamName = typeof UPSTREAMS[number];

export interface GatewayConfig {
  host: string;
  port: number;
  /** The origin browsers use (the console's redirect URI is `<publicUrl>/callback`). */
  publicUrl: string;
  /** Folder of the console's static files. */
  webDir: string;
  /** Fixed upstream origins (`TICKETD_GATEWAY_<NAME>_URL`); absent ones are looked up. */
  upstreams: Partial<Record<UpstreamName, string>>;
  /** A proxied request's body larger than this is refused (413) before it is forwarded. */
  maxRequestBytes: number;
  /** An upstream slower than this to answer is a 504. */
  upstreamTimeoutMs: number;
  /** `TICKETD_LOG_LEVEL` (default info), read here when the gateway runs alone. */
  logLevel: LogLevel;
  /** Its own probes and `/metrics` (`TICKETD_METRICS_*`, shared/metrics/settings.ts). */
  operations: OperationsSettings;
}

const LOG_LEVELS: readonly string[] = ["debug", "info", "warn", "error"];

/** Reads the gateway's settings; a bad value throws {@link GatewayConfigError} naming it. */
export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const int = intSettings(env, (message) => new GatewayConfigError(message));
  const text = textSettings(env);
  const host = text("TICKETD_GATEWAY_HOST") ?? text("TICKETD_HOST", "127.0.0.1");
  const port = int("TICKETD_GATEWAY_PORT", 8088, 0, 65535);
  // With its own certificate (TICKETD_TLS_CERT_FILE) the gateway serves HTTPS only.
  const scheme = env.TICKETD_TLS_CERT_FILE ? "https" : "http";
  const logLevel = text("TICKETD_LOG_LEVEL", "info");
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new GatewayConfigError(
      `TICKETD_LOG_LEVEL must be debug, info, warn or error, got "${logLevel}"`,
    );
  }
  const upstreams: Partial<Record<UpstreamName, string>> = {};
  for (const name of UPSTREAMS) {
    const key = `TICKETD_GATEWAY_${name.toUpperCase()}_URL`;
    // Identity's own settings name its origin, unless its port is chosen at start (its file has it).
    const derived = name === "identity" && env.TICKETD_IDENTITY_PORT !== "0";
    const value = env[key] || (derived ? identityOrigin(env) : undefined);
    if (value) upstreams[name] = origin(key, value);
  }
  return {
    host,
    port,
    publicUrl: origin(
      "TICKETD_GATEWAY_PUBLIC_URL",
      env.TICKETD_GATEWAY_PUBLIC_URL || `${scheme}://${host}:${port}`,
    ),
    webDir: text("TICKETD_GATEWAY_WEB_DIR") ?? new URL("../../web/", import.meta.url).pathname,
    upstreams,
    maxRequestBytes: int("TICKETD_GATEWAY_MAX_REQUEST_BYTES", 64 * 1024 * 1024),
    upstreamTimeoutMs: int("TICKETD_GATEWAY_UPSTREAM_TIMEOUT_MS", 30_000, 100),
    logLevel: logLevel as LogLevel,
    operations: loadOperationsSettings(env, (message) => new GatewayConfigError(message)),
  };
}

/**
 * The console client's redirect URIs for a first start: identity's development callback, the
 * gateway's `/callback`, the admin pages' `/admin/callback` and the portal's `/portal/callback`
 * (`TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS` when it is unset). Undefined
 * (identity's own default) when a port is 0 (not known before listening) or a setting is bad
 * (the gateway's start reports it).
 */
export function consoleRedirectUris(env: Record<string, string | undefined>): string | undefined {
  if (env.TICKETD_IDENTITY_PORT === "0" || env.TICKETD_GATEWAY_PORT === "0") return undefined;
  try {
    const gateway = loadGatewayConfig(env).publicUrl;
    return [
      `${identityOrigin(env)}/oauth/callback`,
      ...["/callback", "/admin/callback", "/portal/callback"].map((path) => gateway + path),
    ].join(" ");
  } catch (error) {
    if (error instanceof GatewayConfigError) return undefined;
    throw error;
  }
}

/** Identity's issuer as its own config derives it (an origin). */
function identityOrigin(env: Record<string, string | undefined>): string {
  const text = textSettings(env);
  if (env.TICKETD_IDENTITY_ISSUER) return env.TICKETD_IDENTITY_ISSUER.replace(/\/$/, "");
  const host = text("TICKETD_IDENTITY_HOST") ?? text("TICKETD_HOST", "127.0.0.1");
  return `http://${host}:${text("TICKETD_IDENTITY_PORT", "8081")}`;
}

function origin(name: string, value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return url.origin;
  } catch {
    // reported below
  }
  throw new GatewayConfigError(`${name} must be an http(s) origin, got "${value}"`);
}
