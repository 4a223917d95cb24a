/**
 * Which envelope profile hashed each tenant's search tokens (SipHash for intl, HMAC-SM3 for gm).
 * The projector records it the first time it indexes a tenant; the service compares it with its
 * settings at start, because tokens hashed under one profile are never found under the other.
 * @module
 */
import type { Sql } from "postgres";
import { type Profile, profileOf, type TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";

export interface ProfileMismatch {
  tenant: string;
  recorded: string;
  configured: Profile;
}

/** Records the profile of tenants the projector indexes, once per tenant and process. */
export class SearchProfiles {
  readonly #recorded = new Set<string>();

  constructor(private readonly sql: Sql, private readonly profiles: TenantProfiles) {}

  async record(tenants: Iterable<string>): Promise<void> {
    for (const tenant of new Set(tenants)) {
      if (this.#recorded.has(tenant)) continue;
      await this.sql`insert into search_profiles (tenant, profile)
        values (${tenant}, ${profileOf(this.profiles, tenant)}) on conflict do nothing`;
      this.#recorded.add(tenant);
    }
  }
}

/** Tenants whose tokens were hashed under another profile than `profiles` gives them now. */
export async function profileMismatches(
  sql: Sql,
  profiles: TenantProfiles,
): Promise<ProfileMismatch[]> {
  const rows = await sql<{ tenant: string; profile: string }[]>`
    select tenant, profile from search_profiles`;
  return rows
    .map((row) => ({
      tenant: row.tenant,
      recorded: row.profile,
      configured: profileOf(profiles, row.tenant),
    }))
    .filter((m) => m.recorded !== m.configured);
}
