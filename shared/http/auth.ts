/**
 * Bearer JWTs signed with EdDSA, ES256 or SM2 (jwt_verify.ts), keys from configuration or a JWKS
 * URL (jwk_set.ts). A token names its subject, tenant, roles and agent groups; the strongest known role wins.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { decodeBase64UrlStrict } from "../crypto/base64.ts";
import { fail } from "../errors.ts";
import {
  createKeySet,
  JWS_ALGORITHMS,
  type JwsAlgorithm,
  type VerificationKey,
} from "./jwk_set.ts";
import { verifyJwt } from "./jwt_verify.ts";
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
  /** Required: a token's `iss` must equal it. */
  issuer: string;
  /** Verification keys as a JWK set; or */
  jwks?: { keys: unknown[] };
  /** a URL to fetch them from (cached, refetched on an unknown key id). */
  jwksUrl?: string;
  /** Least time between two fetches of the JWKS URL (default 30 s), so bad tokens cannot hammer it. */
  jwksCooldownMs?: number;
  /** A fetched JWKS is refetched once older than this (default 10 min). */
  jwksMaxAgeMs?: number;
  /** The accepted `alg` values (default EdDSA, ES256 and SM2). */
  algorithms?: readonly JwsAlgorithm[];
  /** The roles this service knows, weakest first (default: the tickets roles). */
  roles?: readonly R[];
  /**
   * The OAuth scope this service serves (`tickets`, `users`): a token whose `scope` claim lacks
   * it is refused with 403 `insufficient_scope`. A token with no `scope` claim at all (dev tokens,
   * providers that issue none) passes unless `scopeRequired`.
   */
  scope?: string;
  scopeRequired?: boolean;
}

export type Verifier<R extends string = Role> = (token: string) => Promise<Principal<R>>;

/** Tenants become NATS subject tokens and database keys, so they are kept plain. */
export const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const CLOCK_TOLERANCE_SECONDS = 5;
/** Group ids are compared with tickets' `groupId`, so they follow the same plain-id rule. */
const GROUP = /^[\p{L}\p{N}_.@:+-]{1,128}$/u;
const MAX_GROUPS = 256;

/** A function that verifies a token and returns who it speaks for. */
export function createVerifier<R extends string = Role>(config: AuthConfig<R>): Verifier<R> {
  const algorithms = config.algorithms ?? JWS_ALGORITHMS;
  const keys = createKeySet({
    algorithms,
    jwks: config.jwks,
    jwksUrl: config.jwksUrl,
    cooldownMs: config.jwksCooldownMs,
    maxAgeMs: config.jwksMaxAgeMs,
  });
  const policy = {
    issuer: config.issuer,
    audience: config.audience,
    algorithms,
    clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
  };
  const principal = principalOf((config.roles ?? ROLES) as readonly R[]);
  return cached(async (token) => {
    const keySet = await keys;
    const { payload, key } = await verifyJwt(token, keySet, policy);
    if (config.scope) checkScope(payload.scope, config.scope, config.scopeRequired ?? false);
    return { principal: principal(payload), exp: payload.exp as number, key, keySet };
  });
}

const CACHE_ENTRIES = 10_000;
/** The longest a verified token is trusted without checking its signature again. */
export const TOKEN_CACHE_MAX_MS = 300_000;

interface Verified<R extends string> {
  principal: Principal<R>;
  exp: number;
  key: VerificationKey;
  keySet: { holds(key: VerificationKey): boolean };
}

/**
 * Signature checks cost far more than the request they guard (SM2 about 2 ms), and clients reuse
 * a token for many requests: a verified token is remembered until it expires, for at most five
 * minutes, and only while its key is still in the key set (a removed key ends it at once).
 * Failures are never remembered.
 */
function cached<R extends string>(
  verify: (token: string) => Promise<Verified<R>>,
): Verifier<R> {
  const seen = new Map<string, Verified<R> & { until: number }>();
  return async (token) => {
    const now = Date.now();
    const hit = seen.get(token);
    if (hit && hit.until > now && hit.keySet.holds(hit.key)) return hit.principal;
    if (hit) seen.delete(token);
    const verified = await verify(token);
    if (seen.size >= CACHE_ENTRIES) seen.delete(seen.keys().next().value!);
    const until = Math.min(now + TOKEN_CACHE_MAX_MS, verified.exp * 1000);
    seen.set(token, { ...verified, until });
    return verified.principal;
  };
}

/** Who a token with checked claims speaks for: its tenant, subject, strongest role and groups. */
function principalOf<R extends string>(known: readonly R[]) {
  return (payload: Record<string, unknown>): Principal<R> => {
    const tenant = payload.tenant;
    if (typeof tenant !== "string" || !TENANT.test(tenant)) {
      unauthorized("The token has no valid tenant");
    }
    if (typeof payload.sub !== "string" || payload.sub.length > 128 || !isPlainValue(payload.sub)) {
      unauthorized("The token has no valid subject");
    }
    const roles = Array.isArray(payload.roles) ? payload.roles : [payload.role];
    const role = [...known].reverse().find((r) => roles.includes(r));
    if (!role) unauthorized("The token carries no known role");
    return { id: payload.sub, role, tenant, groups: tokenGroups(payload.groups) };
  };
}

/** Refuses a token whose space-separated `scope` claim does not grant `needed`. */
function checkScope(claim: unknown, needed: string, required: boolean): void {
  if (claim === undefined && !required) return;
  const granted = typeof claim === "string" ? claim.split(" ") : [];
  if (!granted.includes(needed)) {
    fail("insufficient_scope", `The token's scope does not include "${needed}"`, 403, {
      scope: needed,
    });
  }
}

/** The `groups` claim: absent is none; anything but a short list of plain ids is refused. */
function tokenGroups(claim: unknown): string[] {
  if (claim === undefined) return [];
  const valid = Array.isArray(claim) && claim.length <= MAX_GROUPS &&
    claim.every((g) => typeof g === "string" && GROUP.test(g));
  if (!valid) unauthorized("The token's groups claim is not a list of group ids");
  return [...new Set(claim as string[])];
}

/**
 * A verifier that hands each token to the verifier of its (unverified) `iss` claim, and every
 * other token to `otherwise`; the chosen verifier still checks everything, the issuer included.
 */
export function verifierByIssuer<R extends string>(
  byIssuer: Record<string, Verifier<R>>,
  otherwise: Verifier<R>,
): Verifier<R> {
  return (token) => {
    const issuer = unverifiedIssuer(token);
    const verify = issuer !== undefined && Object.hasOwn(byIssuer, issuer)
      ? byIssuer[issuer]
      : otherwise;
    return verify(token);
  };
}

function unverifiedIssuer(token: string): string | undefined {
  try {
    const payload = JSON.parse(
      new TextDecoder().decode(decodeBase64UrlStrict(token.split(".")[1])),
    );
    return typeof payload?.iss === "string" ? payload.iss : undefined;
  } catch {
    return undefined;
  }
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
