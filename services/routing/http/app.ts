/**
 * The routing HTTP app: request ids and access logs, problem documents for every error, bearer
 * auth on /v1, the probes and /metrics (shared/metrics/; ready once routing has caught up with the
 * ticket stream).
 * @module
 */
import { Hono } from "hono";
import { bearerAuth, type Verifier } from "@ticketd/shared/http/auth.ts";
import { errorHandler, notFoundHandler } from "@ticketd/shared/http/problem.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { mountOperations, type OperationsDeps } from "@ticketd/shared/metrics/operations_routes.ts";
import type { RoutingEnv } from "./env.ts";
import type { RequestActivity } from "@ticketd/shared/activity/request_source.ts";
import { adminActivity } from "./admin_activity.ts";

export interface RoutingAppDeps {
  verify: Verifier;
  log: Logger;
  operations: OperationsDeps;
  /** The sub-apps, mounted under /v1 behind bearer auth. */
  routes: Hono<RoutingEnv>[];
  activity: RequestActivity;
}

export function routingApp(deps: RoutingAppDeps): Hono<RoutingEnv> {
  const app = new Hono<RoutingEnv>();
  app.onError(errorHandler(deps.log));
  app.notFound(notFoundHandler);
  mountOperations(app, deps.operations);
  app.use(requestLog(deps.log));
  const v1 = new Hono<RoutingEnv>();
  v1.use(bearerAuth(deps.verify));
  v1.use(adminActivity(deps.activity));
  for (const routes of deps.routes) v1.route("/", routes);
  app.route("/v1", v1);
  return app;
}
