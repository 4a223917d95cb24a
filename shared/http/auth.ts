/**
 * Bearer JWTs verified with jose: EdDSA or ES256, keys from configuration or a JWKS URL. A
 * token names its subject, tenant, roles and agent groups; the strongest known role wins.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  jwtVerify,
  type JWTVerifyGetKey,
} from "jose";
import { fail } from "../errors.ts";
import { isPlainValue } from "./text.ts";
import { type Role, ROLES } from "../events/tickets.ts";

export interface Principal<R extends string = Role> {
  id: string;
  role: R;
  tenant: string;
  /** Agent groups from the `groups` claim (none when absent). */
  groups: string[];
}

export interface AuthConfig<R extends string = Role> {
  audience: string;
  issuer?: string;
  /** Verification keys as a JWK set; or */
  jwks?: JSONWebKeySet;
  /** a URL to fetch them from (cached, refetched on an unknown key id). */
  jwksUrl?: string;
  /** Least time between two fetches of the JWKS URL (default 30 s), so bad tokens cannot hammer it. */
  jwksCooldownMs?: number;
  /** The roles this service knows, weakest first (default: the tickets roles). */
  roles?: readonly R[];
}

export type Verifier<R extends string = Role> = (token: string) => Promise<Principal<R>>;

/** Tenants become NATS subject tokens and database keys, so they are kept plain. */
export const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const ALGORITHMS = ["EdDSA", "ES256"];
const CLOCK_TOLERANCE_SECONDS = 5;
/** Group ids are compared with tickets' `groupId`, so they follow the same plain-id rule. */
const GROUP = /^[\p{L}\p{N}_.@:+-]{1,128}$/u;
const MAX_GROUPS = 256;

/** A function that verifies a token and returns who it speaks for. */
export function createVerifier<R extends string = Role>(config: AuthConfig<R>): Verifier<R> {
  const keys: JWTVerifyGetKey = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl), {
      cooldownDuration: config.jwksCooldownMs ?? 30_000,
    })
    : createLocalJWKSet(config.jwks ?? { keys: [] });
  return cached(verifyWith(keys, config));
}

const CACHE_ENTRIES = 10_000;
const CACHE_TTL_MS = 60_000;

/**
 * Signature checks cost far more than the request they guard, and clients reuse a token for
 * many requests: a verified token is remembered for a minute (never past its expiry).
 */
function cached<R extends string>(
  verify: (token: string) => Promise<{ principal: Principal<R>; exp?: number }>,
): Verifier<R> {
  const seen = new Map<string, { principal: Principal<R>; until: number }>();
  return async (token) => {
    const now = Date.now();
    const hit = seen.get(token);
    if (hit && hit.until > now) return hit.principal;
    const { principal, exp } = await verify(token);
    if (seen.size >= CACHE_ENTRIES) seen.delete(seen.keys().next().value!);
    seen.set(token, { principal, until: Math.min(now + CACHE_TTL_MS, (exp ?? Infinity) * 1000) });
    return principal;
  };
}

function verifyWith<R extends string>(keys: JWTVerifyGetKey, config: AuthConfig<R>) {
  const known = (config.roles ?? ROLES) as readonly R[];
  return async (token: string) => {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        audience: config.audience,
        issuer: config.issuer,
        algorithms: ALGORITHMS,
        requiredClaims: ["exp", "sub"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      unauthorized(`The token is not valid: ${(error as Error).message}`);
    }
    const tenant = payload.tenant;
    if (typeof tenant !== "string" || !TENANT.test(tenant)) {
      unauthorized("The token has no valid tenant");
    }
    if (typeof payload.sub !== "string" || payload.sub.length > 128 || !isPlainValue(payload.sub)) {
      unauthorized("The token has no valid subject");
    }
    if (
      typeof payload.iat === "number" && payload.iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS
    ) {
      unauthorized("The token was issued in the future");
    }
    const roles = Array.isArray(payload.roles) ? payload.roles : [payload.role];
    const role = [...known].reverse().find((r) => roles.includes(r));
    if (!role) unauthorized("The token carries no known role");
    const groups = tokenGroups(payload.groups);
    return { principal: { id: payload.sub, role, tenant, groups }, exp: payload.exp };
  };
}

/** The `groups` claim: absent is none; anything but a short list of plain ids is refused. */
function tokenGroups(claim: unknown): string[] {
  if (claim === undefined) return [];
  const valid = Array.isArray(claim) && claim.length <= MAX_GROUPS &&
    claim.every((g) => typeof g === "string" && GROUP.test(g));
  if (!valid) unauthorized("The token's groups claim is not a list of group ids");
  return [...new Set(claim as string[])];
}

/** A verifier accepting what any of `verifiers` accepts (tried in order; the first refusal wins). */
export function anyVerifier<R extends string>(...verifiers: Verifier<R>[]): Verifier<R> {
  return async (token) => {
    let first: unknown;
    for (const verify of verifiers) {
      try {
        return await verify(token);
      } catch (error) {
        first ??= error;
      }
    }
    throw first;
  };
}

/** Middleware that requires a valid bearer token and sets `principal`. */
export function bearerAuth<R extends string>(verify: Verifier<R>): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (!match) unauthorized("Send a bearer token in the Authorization header");
    c.set("principal" as never, (await verify(match[1])) as never);
    await next();
  };
}

function unauthorized(message: string): never {
  fail("unauthorized", message, 401);
}
