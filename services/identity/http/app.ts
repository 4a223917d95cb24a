/**
 * The identity HTTP app: request ids and access logs, rate limits on every route (per client
 * address and per bearer token), the OAuth endpoints, the well-known documents and the users
 * API and people's names; the probes and /metrics (shared/metrics/) before all of them.
 * @module
 */
import { Hono } from "hono";
import { errorHandler, notFoundHandler } from "@ticketd/shared/http/problem.ts";
import { rateLimits } from "@ticketd/shared/http/rate_limit.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { mountOperations, type OperationsDeps } from "@ticketd/shared/metrics/operations_routes.ts";
import type { IdentityRateLimits } from "../config.ts";
import { authorizeRoutes, type AuthorizeRoutesDeps } from "./authorize_routes.ts";
import { metadataRoutes, type MetadataRoutesDeps } from "./metadata_routes.ts";
import { peopleRoutes } from "./people_routes.ts";
import { tokenRoutes, type TokenRoutesDeps } from "./token_routes.ts";
import { usersRoutes, type UsersRoutesDeps } from "./users_routes.ts";

export interface IdentityAppDeps {
  authorize: AuthorizeRoutesDeps;
  token: TokenRoutesDeps;
  metadata: MetadataRoutesDeps;
  users: UsersRoutesDeps;
  rateLimits: IdentityRateLimits;
  log: Logger;
  operations: OperationsDeps;
}

/** The whole identity service as one Hono app. */
export function identityApp(deps: IdentityAppDeps): Hono {
  const app = new Hono();
  app.onError(errorHandler(deps.log));
  app.notFound(notFoundHandler);
  mountOperations(app, deps.operations);
  app.use(requestLog(deps.log));
  app.use(rateLimits({ ...deps.rateLimits }));
  app.route("/", metadataRoutes(deps.metadata));
  app.route("/oauth", tokenRoutes(deps.token));
  app.route("/oauth", authorizeRoutes(deps.authorize));
  app.route("/users", usersRoutes(deps.users));
  app.route("/people", peopleRoutes(deps.users));
  return app;
}
