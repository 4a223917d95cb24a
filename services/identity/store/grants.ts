/**
 * What the token endpoint remembers: one-time authorization codes, refresh-token families and
 * their tokens (stored as SHA-256 digests, never in the clear), and the access tokens issued so
 * that revoking a family or a token denies them until they expire.
 * @module
 */
import type { Sql } from "postgres";
import type { RefreshRecord } from "../domain/refresh.ts";

export interface CodeRecord {
  tenant: string;
  clientId: string;
  userId: string;
  /** As the authorization request named it; null when it named none. */
  redirectUri: string | null;
  codeChallenge: string;
  scope: string;
  expiresAt: Date;
  familyId: string | null;
  /** The user's session epoch when they signed in. */
  sessionEpoch: number;
}

export interface Family {
  id: string;
  tenant: string;
  clientId: string;
  userId: string;
  scope: string;
  /** The user's session epoch at the sign-in the family comes from. */
  sessionEpoch: number;
}

export interface AccessRecord {
  jti: string;
  tenant: string;
  clientId: string;
  familyId: string | null;
  expiresAt: Date;
}

type Tx = Sql;

/** The codes, families, refresh and access token tables. */
export class GrantStore {
  constructor(readonly sql: Sql) {}

  async createCode(codeHash: string, code: Omit<CodeRecord, "familyId">): Promise<void> {
    await this.sql`
      insert into identity_codes
        (code_hash, tenant, client_id, user_id, redirect_uri, code_challenge, scope, expires_at,
          session_epoch)
      values (${codeHash}, ${code.tenant}, ${code.clientId}, ${code.userId}, ${code.redirectUri},
        ${code.codeChallenge}, ${code.scope}, ${code.expiresAt}, ${code.sessionEpoch})`;
  }

  /** Marks a code used; `firstUse` false when it had been used before (a replay). */
  async claimCode(
    tx: Tx,
    codeHash: string,
  ): Promise<{ code: CodeRecord; firstUse: boolean } | null> {
    const [claimed] = await tx<CodeRecord[]>`
      update identity_codes set used_at = now() where code_hash = ${codeHash} and used_at is null
      returning tenant, client_id, user_id, redirect_uri, code_challenge, scope, expires_at,
        family_id, session_epoch`;
    if (claimed) return { code: claimed, firstUse: true };
    const [used] = await tx<CodeRecord[]>`
      select tenant, client_id, user_id, redirect_uri, code_challenge, scope, expires_at, family_id,
        session_epoch
      from identity_codes where code_hash = ${codeHash}`;
    return used ? { code: used, firstUse: false } : null;
  }

  async createFamily(tx: Tx, family: Family, fromCode: string): Promise<void> {
    await tx`
      insert into identity_families (id, tenant, client_id, user_id, scope, session_epoch)
      values (${family.id}, ${family.tenant}, ${family.clientId}, ${family.userId}, ${family.scope},
        ${family.sessionEpoch})`;
    await tx`update identity_codes set family_id = ${family.id} where code_hash = ${fromCode}`;
  }

  /** Revokes a family: its refresh tokens stop working, its access tokens are denied. */
  async revokeFamily(tx: Tx, familyId: string, reason: string): Promise<void> {
    await tx`
      update identity_families set revoked_at = now(), revoked_reason = ${reason}
      where id = ${familyId} and revoked_at is null`;
    await tx`
      update identity_access_tokens set revoked_at = now()
      where family_id = ${familyId} and revoked_at is null and expires_at > now()`;
  }

  async insertRefresh(tx: Tx, tokenHash: string, familyId: string, expiresAt: Date) {
    await tx`
      insert into identity_refresh_tokens (token_hash, family_id, expires_at)
      values (${tokenHash}, ${familyId}, ${expiresAt})`;
  }

  /** A refresh token with its family, locked for this transaction. */
  async lockRefresh(
    tx: Tx,
    tokenHash: string,
  ): Promise<(RefreshRecord & { family: Family }) | null> {
    const [row] = await tx<(RefreshRecord & Family & { familyId: string })[]>`
      select r.family_id, r.expires_at, r.rotated_at, f.revoked_at as family_revoked_at,
        f.client_id, f.tenant, f.user_id, f.scope, f.session_epoch
      from identity_refresh_tokens r join identity_families f on f.id = r.family_id
      where r.token_hash = ${tokenHash} for update of r, f`;
    if (!row) return null;
    const { familyId, tenant, clientId, userId, scope, sessionEpoch } = row;
    return { ...row, family: { id: familyId, tenant, clientId, userId, scope, sessionEpoch } };
  }

  /** Whose refresh token this is, read without locking (to lock the user first). */
  async ownerOfRefresh(
    tx: Tx,
    tokenHash: string,
  ): Promise<{ tenant: string; userId: string } | null> {
    const [row] = await tx<{ tenant: string; userId: string }[]>`
      select f.tenant, f.user_id from identity_refresh_tokens r
      join identity_families f on f.id = r.family_id where r.token_hash = ${tokenHash}`;
    return row ?? null;
  }

  /**
   * Ends every session of a user: all their families (so no refresh token of theirs works) and
   * all their unexpired access tokens (onto the deny list). Run in the transaction that changes
   * the user, after locking the user's row.
   */
  async revokeUserSessions(tx: Tx, tenant: string, userId: string, reason: string) {
    await tx`
      update identity_families set revoked_at = now(), revoked_reason = ${reason}
      where tenant = ${tenant} and user_id = ${userId} and revoked_at is null`;
    const denied = await tx`
      update identity_access_tokens a set revoked_at = now()
      from identity_families f
      where a.family_id = f.id and f.tenant = ${tenant} and f.user_id = ${userId}
        and a.revoked_at is null and a.expires_at > now()
      returning a.jti`;
    return { accessTokens: denied.length };
  }

  async markRotated(tx: Tx, tokenHash: string): Promise<void> {
    await tx`update identity_refresh_tokens set rotated_at = now() where token_hash = ${tokenHash}`;
  }

  async recordAccess(tx: Tx, access: AccessRecord): Promise<void> {
    await tx`
      insert into identity_access_tokens (jti, tenant, client_id, family_id, expires_at)
      values (${access.jti}, ${access.tenant}, ${access.clientId}, ${access.familyId},
        ${access.expiresAt})`;
  }

  /** Denies one access token until it expires; false when it is not one we issued. */
  async revokeAccess(jti: string, clientId: string): Promise<boolean> {
    const rows = await this.sql`
      update identity_access_tokens set revoked_at = coalesce(revoked_at, now())
      where jti = ${jti} and client_id = ${clientId} returning jti`;
    return rows.length > 0;
  }

  /** True when the access token `jti` was revoked (directly or with its family). */
  async isRevoked(jti: string): Promise<boolean> {
    const rows = await this.sql`
      select 1 from identity_access_tokens where jti = ${jti} and revoked_at is not null`;
    return rows.length > 0;
  }

  /** The revoked access tokens not yet expired: the deny list resource servers may honour. */
  async denyList(limit: number): Promise<{ jti: string; exp: number }[]> {
    const rows = await this.sql<{ jti: string; expiresAt: Date }[]>`
      select jti, expires_at from identity_access_tokens
      where revoked_at is not null and expires_at > now() order by expires_at limit ${limit}`;
    return rows.map((row) => ({ jti: row.jti, exp: Math.floor(row.expiresAt.getTime() / 1000) }));
  }

  /** The family a refresh token belongs to, if it was issued to `clientId`. */
  async familyOfRefresh(tokenHash: string, clientId: string): Promise<string | null> {
    const [row] = await this.sql<{ familyId: string }[]>`
      select r.family_id from identity_refresh_tokens r
      join identity_families f on f.id = r.family_id
      where r.token_hash = ${tokenHash} and f.client_id = ${clientId}`;
    return row?.familyId ?? null;
  }

  /** Deletes what has expired: codes, access token records and refresh tokens. */
  async purgeExpired(): Promise<void> {
    await this.sql`delete from identity_codes where expires_at < now() - interval '1 day'`;
    await this.sql`delete from identity_access_tokens where expires_at < now()`;
    await this.sql`delete from identity_refresh_tokens where expires_at < now()`;
    await this.sql`
      delete from identity_families f where not exists
        (select 1 from identity_refresh_tokens r where r.family_id = f.id)
      and not exists (select 1 from identity_codes c where c.family_id = f.id)`;
  }
}
