/**
 * Keyed 32-bit token hashes per tenant, so the similar-ticket index never holds a word: SipHash-2-4
 * for `intl` tenants, HMAC-SM3 for `gm` tenants, each under a key derived for that tenant alone
 * (the same word hashes differently in two tenants).
 * @module
 */
import SipHash from "siphash";
import { hmacSm3 } from "@ticketd/shared/crypto/gm/sm3.ts";
import { deriveSubkey } from "@ticketd/shared/crypto/keyring.ts";
import { profileOf, type TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";

/** The keyed hash of one token for one tenant, as an unsigned 32-bit integer. */
export type TokenHasher = (tenant: string, token: string) => number;

const encoder = new TextEncoder();

/**
 * A {@link TokenHasher} from the keyring's search key. Recent tokens are memoised per tenant
 * (bounded by `memoEntries`; 0 turns the memo off): most words recur, and the memo is the one
 * place a hashed word is kept in the clear, see docs/routing-similar.md.
 */
export function similarTokenHasher(
  searchKey: Uint8Array,
  profiles: TenantProfiles,
  memoEntries = 200_000,
): TokenHasher {
  const byTenant = new Map<string, { hash: (token: string) => number; memo: Memo }>();
  return (tenant, token) => {
    let entry = byTenant.get(tenant);
    if (!entry) {
      const hash = tenantHash(searchKey, tenant, profileOf(profiles, tenant));
      entry = { hash, memo: { recent: new Map(), older: new Map() } };
      byTenant.set(tenant, entry);
    }
    const { memo } = entry;
    let hash = memo.recent.get(token);
    if (hash !== undefined) return hash;
    hash = memo.older.get(token) ?? entry.hash(token);
    if (memoEntries > 0) {
      // Two generations: a full memo becomes the older one, so common words survive a turnover
      // of rare ones (ids, numbers) instead of being dropped with them.
      if (memo.recent.size >= memoEntries / 2) [memo.older, memo.recent] = [memo.recent, new Map()];
      memo.recent.set(token, hash);
    }
    return hash;
  };
}

type Memo = { recent: Map<string, number>; older: Map<string, number> };

function tenantHash(searchKey: Uint8Array, tenant: string, profile: string) {
  if (profile === "gm") {
    const key = deriveSubkey(searchKey, `similar-tokens-sm3/${tenant}`);
    return (token: string) => {
      const mac = hmacSm3(key, encoder.encode(token));
      return new DataView(mac.buffer, mac.byteOffset).getUint32(0);
    };
  }
  const key = new Uint32Array(
    deriveSubkey(searchKey, `similar-tokens/${tenant}`).slice(0, 16).buffer,
  );
  return (token: string) => SipHash.hash(key, token).l >>> 0;
}
