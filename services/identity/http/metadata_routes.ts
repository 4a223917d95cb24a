/**
 * What the authorization server publishes: RFC 8414 metadata, the JWKS (public keys of every
 * key not retired), and the deny list of revoked access tokens not yet expired.
 * @module
 */
import { Hono } from "hono";
import type { JWK } from "jose";
import type { GrantStore } from "../store/grants.ts";

export interface MetadataRoutesDeps {
  issuer: string;
  jwks: () => { keys: JWK[] };
  grants: GrantStore;
  /** Most entries in the deny list answer. */
  denyListMax: number;
}

const AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"];

/** The RFC 8414 document for `issuer`. */
export function serverMetadata(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    authorization_response_iss_parameter_supported: true,
    // Not in RFC 8414: where resource servers read revoked access tokens (see docs/identity.md).
    revoked_tokens_endpoint: `${issuer}/oauth/revoked`,
  };
}

/** The well-known documents and the deny list. */
export function metadataRoutes(deps: MetadataRoutesDeps): Hono {
  const app = new Hono();
  const cache = { "cache-control": "public, max-age=300" };
  app.get("/.well-known/oauth-authorization-server", (c) => {
    return c.json(serverMetadata(deps.issuer), 200, cache);
  });
  app.get("/.well-known/jwks.json", (c) => c.json(deps.jwks(), 200, cache));
  app.get("/oauth/revoked", async (c) => {
    const revoked = await deps.grants.denyList(deps.denyListMax);
    return c.json({ revoked }, 200, { "cache-control": "no-store" });
  });
  return app;
}
