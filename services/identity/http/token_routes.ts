/**
 * `POST /oauth/token` and `POST /oauth/revoke` (RFC 7009), with client authentication and
 * their own per-address rate limit (each request may cost a scrypt).
 * @module
 */
import { Hono } from "hono";
import { clientAddress, rateLimit } from "@ticketd/shared/http/rate_limit.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { authenticateClient, type ClientAuthDeps } from "../client_auth.ts";
import type { IdentityRateLimits } from "../config.ts";
import type { TokenGrants } from "../token_grants.ts";
import { type FormLimits, readForm } from "./form.ts";
import { NO_STORE, oauthErrorHandler } from "./oauth_errors.ts";
import type { RequestActivity } from "@ticketd/shared/activity/request_source.ts";
import { recordGrant, recordReplay, recordRevocation } from "./token_activity.ts";

export interface TokenRoutesDeps {
  clientAuth: ClientAuthDeps;
  grants: TokenGrants;
  limits: FormLimits;
  rateLimits: IdentityRateLimits;
  log: Logger;
  activity: RequestActivity;
}

/** The token and revocation endpoints. */
export function tokenRoutes(deps: TokenRoutesDeps): Hono {
  const app = new Hono();
  app.onError(oauthErrorHandler(deps.log));
  const { rateLimits } = deps;
  const limit = rateLimit({
    ...rateLimits.token,
    maxKeys: rateLimits.maxKeys,
    name: "token endpoint per address",
    key: (c) => clientAddress(c, rateLimits),
  });
  // Named paths: a bare use() would reach every /oauth route once mounted.
  app.use("/token", limit);
  app.use("/revoke", limit);
  app.post("/token", async (c) => {
    const form = await readForm(c, deps.limits);
    const client = await authenticateClient(deps.clientAuth, c.req.header("authorization"), form);
    const tokens = await deps.grants.grant(client, form).catch(async (error) => {
      await recordReplay(c, deps.activity, error);
      throw error;
    });
    await recordGrant(c, deps.activity, client, form.get("grant_type")!, tokens);
    return c.json(tokens, 200, NO_STORE);
  });
  app.post("/revoke", async (c) => {
    const form = await readForm(c, deps.limits);
    const client = await authenticateClient(deps.clientAuth, c.req.header("authorization"), form);
    const token = form.get("token");
    if (!token) {
      return c.json({ error: "invalid_request", error_description: "token is required" }, 400);
    }
    await deps.grants.revoke(client, token);
    await recordRevocation(c, deps.activity, client);
    return c.body(null, 200, NO_STORE);
  });
  return app;
}
