/**
 * Access tokens (JWTs with the claims the tickets service verifies) and opaque refresh tokens
 * and codes (random, stored only as SHA-256 digests).
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import type { Sql } from "postgres";
import type { IdentityRole } from "./domain/roles.ts";
import type { TokenSigner } from "./signing/signer.ts";
import type { GrantStore } from "./store/grants.ts";

export interface TokenSubject {
  tenant: string;
  /** A user id, or the client id for client_credentials. */
  subject: string;
  role: IdentityRole;
  groups: string[];
  clientId: string;
  scope: string;
  /** The refresh-token family the token belongs to (none for client_credentials). */
  familyId: string | null;
}

export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

export interface TokenIssuerDeps {
  issuer: string;
  audience: string;
  signer: () => TokenSigner;
  grants: GrantStore;
  nextId: () => string;
  now: () => Date;
  ttl: { accessSeconds: number; refreshSeconds: number };
}

/** A fresh opaque secret (code, refresh token): 32 random bytes, base64url. */
export function opaqueToken(): string {
  return randomBytes(32).toString("base64url");
}

/** How an opaque token is stored and looked up. */
export function digest(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** Signs access tokens and mints refresh tokens, recording both. */
export class TokenIssuer {
  constructor(private readonly deps: TokenIssuerDeps) {}

  /** An access token for `who` (recorded, so it can be revoked), plus a refresh token if asked. */
  async issue(tx: Sql, who: TokenSubject, withRefresh: boolean): Promise<TokenResponse> {
    const { deps } = this;
    const iat = Math.floor(deps.now().getTime() / 1000);
    const exp = iat + deps.ttl.accessSeconds;
    const jti = deps.nextId();
    const accessToken = await deps.signer().sign({
      iss: deps.issuer,
      aud: deps.audience,
      sub: who.subject,
      tenant: who.tenant,
      roles: [who.role],
      groups: who.groups,
      client_id: who.clientId,
      scope: who.scope,
      iat,
      exp,
      jti,
    });
    await deps.grants.recordAccess(tx, {
      jti,
      tenant: who.tenant,
      clientId: who.clientId,
      familyId: who.familyId,
      expiresAt: new Date(exp * 1000),
    });
    const response: TokenResponse = {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: deps.ttl.accessSeconds,
      scope: who.scope,
    };
    if (withRefresh && who.familyId) {
      response.refresh_token = await this.refreshToken(tx, who.familyId);
    }
    return response;
  }

  /** A new refresh token in `familyId`. */
  async refreshToken(tx: Sql, familyId: string): Promise<string> {
    const token = opaqueToken();
    const expiresAt = new Date(this.deps.now().getTime() + this.deps.ttl.refreshSeconds * 1000);
    await this.deps.grants.insertRefresh(tx, digest(token), familyId, expiresAt);
    return token;
  }
}
