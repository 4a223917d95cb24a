/**
 * The keys tokens are checked against: a JWK set from configuration, or one fetched from a JWKS
 * URL (cached; refetched when stale or on an unknown `kid`, at most once per cooldown). Only
 * signature keys of an allowed algorithm are kept; a token's key is chosen by `kid` and `alg`.
 * @module
 */
import { importJWK, type JWK } from "jose";
import { fail } from "../errors.ts";
import { type Sm2PublicJwk, sm2PublicKeyHex } from "./jws_sm2.ts";

export type JwsAlgorithm = "EdDSA" | "ES256" | "SM2";
export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = ["EdDSA", "ES256", "SM2"];

/** A key ready to verify: a CryptoKey for jose, or the JWK itself for SM2. */
export type VerificationKey =
  | { alg: "EdDSA" | "ES256"; kid?: string; id: string; key: CryptoKey }
  | { alg: "SM2"; kid?: string; id: string; jwk: Sm2PublicJwk };

export interface KeySetConfig {
  algorithms: readonly JwsAlgorithm[];
  jwks?: { keys: unknown[] };
  jwksUrl?: string;
  /** Least time between two fetches of the JWKS URL (default 30 s), so bad tokens cannot hammer it. */
  cooldownMs?: number;
  /** A fetched set is refetched once older than this (default 10 min). */
  maxAgeMs?: number;
  /** A fetch that takes longer fails (default 5 s). */
  timeoutMs?: number;
}

export interface KeySet {
  /** The one key for a token's `alg` and `kid`; a 401 when there is none or several. */
  find(alg: JwsAlgorithm, kid: string | undefined): Promise<VerificationKey>;
  /** Whether `key` is still in the set; false too when the set is due for a refetch. */
  holds(key: VerificationKey): boolean;
}

const MAX_JWKS_BYTES = 1_048_576;

/** A key set over configured keys or a JWKS URL. */
export async function createKeySet(config: KeySetConfig): Promise<KeySet> {
  if (!config.jwksUrl) {
    const keys = await importKeys(config.jwks?.keys ?? [], config.algorithms, new Map());
    return {
      find: (alg, kid) => Promise.resolve(select(keys, alg, kid) ?? noKey(kid)),
      holds: (key) => keys.includes(key),
    };
  }
  return remoteKeySet(config, config.jwksUrl);
}

function remoteKeySet(config: KeySetConfig, url: string): KeySet {
  const cooldownMs = config.cooldownMs ?? 30_000;
  const maxAgeMs = config.maxAgeMs ?? 600_000;
  let keys: VerificationKey[] | undefined;
  let fetchedAt = -Infinity, triedAt = -Infinity;
  let inFlight: Promise<void> | undefined;
  const mayFetch = () => performance.now() - triedAt >= cooldownMs;
  const stale = () => performance.now() - fetchedAt >= maxAgeMs;
  const refresh = () =>
    inFlight ??= (async () => {
      triedAt = performance.now();
      try {
        const previous = new Map((keys ?? []).map((key) => [key.id, key]));
        keys = await importKeys(
          await fetchKeys(url, config.timeoutMs ?? 5_000),
          config.algorithms,
          previous,
        );
        fetchedAt = performance.now();
      } finally {
        inFlight = undefined;
      }
    })();
  const current = async () => {
    // A failed fetch keeps the keys fetched last: stale keys beat none.
    if (inFlight || ((!keys || stale()) && mayFetch())) await refresh().catch(() => {});
    return keys ?? fail("auth_unavailable", "The identity provider's keys cannot be fetched", 503);
  };
  return {
    async find(alg, kid) {
      const found = select(await current(), alg, kid);
      if (found !== undefined) return found ?? noKey(kid);
      // An unknown kid: the provider may have rolled over (a fetch under way may hold it).
      if (inFlight || mayFetch()) await refresh().catch(() => {});
      return select(await current(), alg, kid) ?? noKey(kid);
    },
    holds(key) {
      // A set due for a refetch holds nothing: the token is checked again, against fresh keys.
      return !(stale() && mayFetch()) && (keys?.includes(key) ?? false);
    },
  };
}

/** The key for `alg` and `kid`; null when none fits; undefined when `kid` is not in the set. */
function select(
  keys: VerificationKey[],
  alg: JwsAlgorithm,
  kid: string | undefined,
): VerificationKey | null | undefined {
  if (kid === undefined) {
    // Without a kid the token can only mean the set's one key.
    return keys.length === 1 && keys[0].alg === alg ? keys[0] : null;
  }
  const named = keys.filter((key) => key.kid === kid);
  if (named.length === 0) return undefined;
  const fitting = named.filter((key) => key.alg === alg);
  return fitting.length === 1 ? fitting[0] : null;
}

async function fetchKeys(url: string, timeoutMs: number): Promise<unknown[]> {
  const response = await fetch(url, {
    headers: { accept: "application/jwk-set+json, application/json" },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok || text.length > MAX_JWKS_BYTES) {
    throw new Error(`JWKS answered ${response.status}`);
  }
  const body = JSON.parse(text);
  if (!Array.isArray(body?.keys)) throw new Error("The JWKS document has no keys");
  return body.keys;
}

/** The signature keys of allowed algorithms among `jwks`, reusing unchanged ones from `previous`. */
async function importKeys(
  jwks: unknown[],
  algorithms: readonly JwsAlgorithm[],
  previous: Map<string, VerificationKey>,
): Promise<VerificationKey[]> {
  const keys: VerificationKey[] = [];
  for (const jwk of jwks) {
    const alg = signatureAlgorithm(jwk);
    if (!alg || !algorithms.includes(alg)) continue;
    const key = await importKey(jwk as JWK, alg, previous).catch(() => undefined);
    if (key) keys.push(key);
  }
  return keys;
}

async function importKey(
  jwk: JWK,
  alg: JwsAlgorithm,
  previous: Map<string, VerificationKey>,
): Promise<VerificationKey> {
  const kid = typeof jwk.kid === "string" ? jwk.kid : undefined;
  const id = JSON.stringify([alg, kid, jwk.crv, jwk.x, jwk.y]);
  const known = previous.get(id);
  if (known) return known;
  if (alg === "SM2") {
    const sm2: Sm2PublicJwk = { kty: "EC", crv: "SM2", x: jwk.x!, y: jwk.y!, kid, alg };
    sm2PublicKeyHex(sm2); // throws on a malformed key
    return { alg, kid, id, jwk: sm2 };
  }
  const members = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }; // never a private `d`
  return { alg, kid, id, key: (await importJWK(members, alg)) as CryptoKey };
}

/** The algorithm a JWK verifies, from its type and curve; null for any other key or use. */
function signatureAlgorithm(value: unknown): JwsAlgorithm | null {
  if (typeof value !== "object" || value === null) return null;
  const jwk = value as JWK;
  if (jwk.use !== undefined && jwk.use !== "sig") return null;
  if (jwk.key_ops !== undefined && !jwk.key_ops.includes("verify")) return null;
  const alg: JwsAlgorithm | null = jwk.kty === "OKP" && jwk.crv === "Ed25519"
    ? "EdDSA"
    : jwk.kty === "EC" && jwk.crv === "P-256"
    ? "ES256"
    : jwk.kty === "EC" && jwk.crv === "SM2"
    ? "SM2"
    : null;
  return jwk.alg === undefined || jwk.alg === alg ? alg : null;
}

function noKey(kid: string | undefined): never {
  fail(
    "unauthorized",
    kid === undefined
      ? "The token names no key id (kid), and the issuer has no single key for its algorithm"
      : "The token names no key of the issuer for its algorithm",
    401,
  );
}
