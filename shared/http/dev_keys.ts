/**
 * A signing key for local use: made on first start in the data folder, used by `deno task token`
 * and printed tokens. Production deployments configure their own keys or an identity provider.
 * @module
 */
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import type { Role } from "../events/tickets.ts";

export interface DevKeys {
  privateJwk: JWK;
  publicJwk: JWK;
}

export const DEV_ISSUER = "ticketd-dev";
export const DEV_AUDIENCE = "ticketd";

/** The dev key pair in `dir/dev-signing-key.json`, or null when there is none. */
export async function loadDevKeys(dir: string): Promise<DevKeys | null> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/dev-signing-key.json`));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** The dev key pair in `dir/dev-signing-key.json`, created if missing. */
export async function loadOrCreateDevKeys(dir: string): Promise<DevKeys> {
  const path = `${dir}/dev-signing-key.json`;
  const existing = await loadDevKeys(dir);
  if (existing) return existing;
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
  const kid = crypto.randomUUID();
  const keys = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: "EdDSA" },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" },
  };
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

export interface TokenClaims {
  sub: string;
  tenant: string;
  role: Role;
  /** Agent groups, sent as the `groups` claim when given. */
  groups?: string[];
  ttlSeconds?: number;
}

/** A signed token for the given subject, tenant, role and groups. */
export async function mintDevToken(keys: DevKeys, claims: TokenClaims): Promise<string> {
  const key = await importJWK(keys.privateJwk, "EdDSA");
  const groups = claims.groups ? { groups: claims.groups } : {};
  return await new SignJWT({ tenant: claims.tenant, roles: [claims.role], ...groups })
    .setProtectedHeader({ alg: "EdDSA", kid: keys.privateJwk.kid })
    .setSubject(claims.sub)
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlSeconds ?? 12 * 3600}s`)
    .sign(key);
}
