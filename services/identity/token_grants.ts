/**
 * The token endpoint's grants: `client_credentials`, `authorization_code` (PKCE S256, codes
 * single use; a replayed code revokes what it issued) and `refresh_token` (rotation; a reused
 * token revokes its family). Also RFC 7009 revocation.
 * @module
 */
import { decodeJwt } from "jose";
import type { Sql } from "postgres";
import { DomainError, fail } from "@ticketd/shared/errors.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { checkVerifier } from "./domain/pkce.ts";
import { judgeRefresh } from "./domain/refresh.ts";
import { grantScope } from "./domain/scopes.ts";
import type { Client, GrantType } from "./store/clients.ts";
import type { GrantStore } from "./store/grants.ts";
import type { UserStore } from "./store/users.ts";
import { digest, type TokenIssuer, type TokenResponse } from "./tokens.ts";

export interface TokenGrantsDeps {
  sql: Sql;
  grants: GrantStore;
  users: UserStore;
  issuer: TokenIssuer;
  nextId: () => string;
  now: () => Date;
  log: Logger;
}

/** The grants, each taking an authenticated client and the form. */
export class TokenGrants {
  constructor(private readonly deps: TokenGrantsDeps) {}

  /** Dispatches on `grant_type`. */
  async grant(client: Client, form: Map<string, string>): Promise<TokenResponse> {
    const type = form.get("grant_type");
    if (!type) fail("invalid_request", "grant_type is required", 400);
    if (type === "client_credentials") return await this.clientCredentials(client, form);
    if (type === "authorization_code") return await this.authorizationCode(client, form);
    if (type === "refresh_token") return await this.refresh(client, form);
    fail("unsupported_grant_type", `The grant type "${type.slice(0, 64)}" is not supported`, 400);
  }

  async clientCredentials(client: Client, form: Map<string, string>): Promise<TokenResponse> {
    allowed(client, "client_credentials");
    if (!client.secretHash || !client.role) {
      fail("unauthorized_client", "Only confidential clients with a role may do this", 400);
    }
    const scope = grantScope(form.get("scope"), client.scopes).join(" ");
    const who = {
      tenant: client.tenant,
      subject: client.clientId,
      role: client.role,
      groups: [],
      clientId: client.clientId,
      scope,
      familyId: null,
    };
    return await this.deps.sql.begin((tx) => this.deps.issuer.issue(tx as never, who, false));
  }

  async authorizationCode(client: Client, form: Map<string, string>): Promise<TokenResponse> {
    allowed(client, "authorization_code");
    const code = form.get("code");
    if (!code) fail("invalid_request", "code is required", 400);
    const { sql, grants, users, issuer, now } = this.deps;
    const codeHash = digest(code);
    // A replay revokes in its own transaction: the refusal below must not roll it back.
    const record = await sql.begin(async (tx) => {
      const claimed = await grants.claimCode(tx as never, codeHash);
      if (!claimed) return new DomainError("invalid_grant", "The code is not known", 400);
      if (!claimed.firstUse) {
        const { familyId, clientId, tenant } = claimed.code;
        if (familyId) await grants.revokeFamily(tx as never, familyId, "code_reuse");
        this.deps.log.warn("authorization code replayed; its tokens are revoked", {
          clientId,
          tenant,
        });
        return new DomainError("invalid_grant", "The code was already used", 400, {
          replayed: { kind: "code", tenant, clientId, familyId },
        });
      }
      return claimed.code;
    });
    if (record instanceof DomainError) throw record;
    if (record.clientId !== client.clientId) {
      fail("invalid_grant", "The code was issued to another client", 400);
    }
    if (record.expiresAt.getTime() <= now().getTime()) {
      fail("invalid_grant", "The code has expired", 400);
    }
    // Required and identical when the authorization request named it; else optional, but if
    // given it must still be one of the client's.
    const redirectUri = form.get("redirect_uri");
    const matches = record.redirectUri === null
      ? redirectUri === undefined || client.redirectUris.includes(redirectUri)
      : redirectUri === record.redirectUri;
    if (!matches) {
      fail("invalid_grant", "redirect_uri does not match the authorization request", 400);
    }
    checkVerifier(form.get("code_verifier"), record.codeChallenge);
    const result = await sql.begin(async (tx) => {
      // Share-locked: a change to the user (which ends their sessions) waits for this, or this
      // sees its new epoch.
      const user = await users.lockForShare(tx as never, record.tenant, record.userId);
      if (!user) return new DomainError("invalid_grant", "The user no longer exists", 400);
      if (user.sessionEpoch !== record.sessionEpoch) {
        return new DomainError("invalid_grant", SESSIONS_ENDED, 400);
      }
      const familyId = this.deps.nextId();
      const family = { id: familyId, ...record, clientId: client.clientId };
      await grants.createFamily(tx as never, family, codeHash);
      const withRefresh = client.grantTypes.includes("refresh_token");
      return await issuer.issue(tx as never, {
        tenant: user.tenant,
        subject: user.id,
        role: user.role,
        groups: user.groups,
        clientId: client.clientId,
        scope: record.scope,
        familyId,
      }, withRefresh);
    });
    if (result instanceof DomainError) throw result;
    return result;
  }

  async refresh(client: Client, form: Map<string, string>): Promise<TokenResponse> {
    allowed(client, "refresh_token");
    const token = form.get("refresh_token");
    if (!token) fail("invalid_request", "refresh_token is required", 400);
    const { sql, grants, users, issuer, now } = this.deps;
    const tokenHash = digest(token);
    const result = await sql.begin(async (tx) => {
      // The user first, then the family: the order a change to the user takes its locks in.
      const owner = await grants.ownerOfRefresh(tx as never, tokenHash);
      const user = owner && await users.lockForShare(tx as never, owner.tenant, owner.userId);
      const record = await grants.lockRefresh(tx as never, tokenHash);
      const verdict = judgeRefresh(record, client.clientId, now());
      if (verdict.kind === "invalid") return new DomainError("invalid_grant", verdict.reason, 400);
      const family = record!.family;
      if (verdict.kind === "reuse") {
        await grants.revokeFamily(tx as never, family.id, "refresh_reuse");
        this.deps.log.warn("refresh token reused; its family is revoked", {
          clientId: family.clientId,
          tenant: family.tenant,
          familyId: family.id,
        });
        return new DomainError("invalid_grant", "The refresh token was already used", 400, {
          replayed: {
            kind: "refresh",
            tenant: family.tenant,
            clientId: family.clientId,
            familyId: family.id,
            userId: family.userId,
          },
        });
      }
      if (!user) return new DomainError("invalid_grant", "The user no longer exists", 400);
      if (user.sessionEpoch !== family.sessionEpoch) {
        await grants.revokeFamily(tx as never, family.id, "sessions_ended");
        return new DomainError("invalid_grant", SESSIONS_ENDED, 400);
      }
      const scope = grantScope(form.get("scope"), family.scope.split(" ")).join(" ");
      await grants.markRotated(tx as never, tokenHash);
      return await issuer.issue(tx as never, {
        tenant: user.tenant,
        subject: user.id,
        role: user.role,
        groups: user.groups,
        clientId: client.clientId,
        scope,
        familyId: family.id,
      }, true);
    });
    if (result instanceof DomainError) throw result;
    return result;
  }

  /**
   * RFC 7009: a refresh token revokes its family; an access token of ours is denied until it
   * expires. Unknown tokens and tokens of other clients change nothing and are not an error.
   */
  async revoke(client: Client, token: string): Promise<void> {
    const { grants, sql } = this.deps;
    const familyId = await grants.familyOfRefresh(digest(token), client.clientId);
    if (familyId) {
      await sql.begin((tx) => grants.revokeFamily(tx as never, familyId, "revoked"));
      return;
    }
    let jti: unknown;
    try {
      jti = decodeJwt(token).jti;
    } catch {
      return;
    }
    // Only tokens we recorded, for this client, are revoked: a forged jti finds no row.
    if (typeof jti === "string") await grants.revokeAccess(jti, client.clientId);
  }
}

const SESSIONS_ENDED =
  "The user's sessions were ended (password, role or groups changed); sign in again";

function allowed(client: Client, grant: GrantType): void {
  if (!client.grantTypes.includes(grant)) {
    fail("unauthorized_client", `This client may not use the ${grant} grant`, 400);
  }
}
