/**
 * Keyed hashes (MACs) of short values, in the tenant's profile: HMAC-SHA-256 for `intl`,
 * HMAC-SM3 for `gm` (deployments under the national algorithms use SM3 for every hash). Parts
 * are joined with NUL, which plain values never contain, so `("a", "bc")` and `("ab", "c")` differ.
 * @module
 */
import { createHmac } from "node:crypto";
import { encodeBase64Url } from "./base64.ts";
import { hmacSm3 } from "./gm/sm3.ts";
import { type Profile, profileOf, type TenantProfiles } from "./profiles.ts";

/** The base64url MAC of `parts` under `key`, for `tenant`'s profile. */
export type TenantKeyedHash = (tenant: string, ...parts: string[]) => string;

const encoder = new TextEncoder();

export function keyedHash(profile: Profile, key: Uint8Array, parts: string[]): string {
  const message = parts.join("\u0000");
  if (profile === "gm") return encodeBase64Url(hmacSm3(key, encoder.encode(message)));
  return createHmac("sha256", key).update(message).digest("base64url");
}

export function tenantKeyedHash(key: Uint8Array, profiles: TenantProfiles): TenantKeyedHash {
  return (tenant, ...parts) => keyedHash(profileOf(profiles, tenant), key, parts);
}
