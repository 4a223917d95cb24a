/**
 * Envelope-encryption profiles. `intl`: AES-256-GCM data keys wrapped by an AES key (AES-KW).
 * `gm`: SM4-GCM data keys (RFC 8998) wrapped by SM2 public-key encryption, for deployments that
 * must use the Chinese national algorithms. A tenant's profile only chooses how new data keys
 * are made: every ciphertext names its own algorithm and key, so both profiles read all of them.
 * @module
 */
import { DomainError } from "../errors.ts";

export type DataCipher = "A256GCM" | "SM4GCM";
export type KeyWrap = "A256KW" | "SM2";

export const PROFILES = {
  intl: { cipher: "A256GCM", wrap: "A256KW", keyBytes: 32 },
  gm: { cipher: "SM4GCM", wrap: "SM2", keyBytes: 16 },
} as const satisfies Record<string, { cipher: DataCipher; wrap: KeyWrap; keyBytes: number }>;

export type Profile = keyof typeof PROFILES;

/** Which profile each tenant uses: a default and per-tenant exceptions. */
export interface TenantProfiles {
  defaultProfile: Profile;
  byTenant: ReadonlyMap<string, Profile>;
}

export function isProfile(value: string): value is Profile {
  return Object.hasOwn(PROFILES, value);
}

/** The profile `tenant` uses for new data keys. */
export function profileOf(profiles: TenantProfiles, tenant: string): Profile {
  return profiles.byTenant.get(tenant) ?? profiles.defaultProfile;
}

/**
 * Parses the `TICKETD_TENANT_PROFILES` setting: `acme=gm,globex=intl` (spaces allowed).
 * @example parseTenantProfiles("intl", "acme=gm") // acme uses gm, every other tenant intl
 */
export function parseTenantProfiles(defaultProfile: string, perTenant = ""): TenantProfiles {
  if (!isProfile(defaultProfile)) throw profileError(`Unknown profile "${defaultProfile}"`);
  const byTenant = new Map<string, Profile>();
  for (const pair of perTenant.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [tenant, profile] = pair.split("=").map((p) => p.trim());
    if (!tenant || !profile || !isProfile(profile)) {
      throw profileError(`"${pair}" must be tenant=intl or tenant=gm`);
    }
    byTenant.set(tenant, profile);
  }
  return { defaultProfile, byTenant };
}

function profileError(message: string): DomainError {
  return new DomainError("invalid_profile", message, 500);
}
