/**
 * Compact JWTs checked in one path for every algorithm: the header's `alg` must be allowed, the
 * signature is verified with the key the set holds for `kid` and `alg` (jose for EdDSA and ES256,
 * jws_sm2 for SM2), then the registered claims are checked once.
 * @module
 */
import { compactVerify } from "jose";
import { fail } from "../errors.ts";
import type { JwsAlgorithm, KeySet, VerificationKey } from "./jwk_set.ts";
import { parseSegment, verifySm2Jws } from "./jws_sm2.ts";

export interface JwtPolicy {
  issuer: string;
  audience: string;
  algorithms: readonly JwsAlgorithm[];
  /** Seconds of clock difference forgiven on `exp`, `nbf` and `iat`. */
  clockToleranceSeconds: number;
  /** The time to judge by, in seconds since the epoch (for tests). */
  now?: () => number;
}

export interface VerifiedJwt {
  payload: Record<string, unknown>;
  key: VerificationKey;
}

/** Tokens longer than this are refused before any parsing. */
export const MAX_TOKEN_CHARS = 16_384;
const decoder = new TextDecoder("utf-8", { fatal: true });

/** The payload of a token signed by a key of `keys` with claims `policy` accepts; a 401 otherwise. */
export async function verifyJwt(
  token: string,
  keys: KeySet,
  policy: JwtPolicy,
): Promise<VerifiedJwt> {
  if (token.length > MAX_TOKEN_CHARS) refuse("The token is too long");
  const parts = token.split(".");
  if (parts.length !== 3) refuse("The token is not a compact JWS");
  const header = parseSegment(parts[0]);
  const alg = header.alg as JwsAlgorithm;
  if (!policy.algorithms.includes(alg)) refuse("The token's algorithm is not accepted");
  if ("crit" in header) refuse("The token names critical header parameters");
  if (header.kid !== undefined && typeof header.kid !== "string") {
    refuse("The token's kid is not text");
  }
  const key = await keys.find(alg, header.kid as string | undefined);
  const payload = await verifySignature(token, key);
  checkClaims(payload, policy);
  return { payload, key };
}

async function verifySignature(
  token: string,
  key: VerificationKey,
): Promise<Record<string, unknown>> {
  if (key.alg === "SM2") return verifySm2Jws(token, key.jwk);
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, key.key, { algorithms: [key.alg] }));
  } catch {
    refuse("The token's signature is not valid");
  }
  try {
    const value = JSON.parse(decoder.decode(payload));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
  } catch { /* refused below */ }
  refuse("The token is not well-formed");
}

/** Checks `iss`, `aud`, `exp` (all required), `nbf` and `iat`, forgiving the clock tolerance. */
export function checkClaims(payload: Record<string, unknown>, policy: JwtPolicy): void {
  const now = policy.now?.() ?? Date.now() / 1000;
  const tolerance = policy.clockToleranceSeconds;
  if (payload.iss !== policy.issuer) refuse("The token's issuer is missing or not accepted");
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(policy.audience)) refuse("The token is not meant for this service (aud)");
  const { exp, nbf, iat } = payload;
  if (!isTime(exp)) refuse("The token has no expiry (exp)");
  if (exp <= now - tolerance) refuse("The token has expired");
  if (nbf !== undefined && (!isTime(nbf) || nbf > now + tolerance)) {
    refuse("The token is not valid yet (nbf)");
  }
  if (iat !== undefined && (!isTime(iat) || iat > now + tolerance)) {
    refuse("The token was issued in the future (iat)");
  }
}

function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function refuse(message: string): never {
  fail("unauthorized", message, 401);
}
