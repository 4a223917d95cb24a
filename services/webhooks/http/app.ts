/**
 * The webhooks HTTP app: problem documents for every error, the probes and /metrics
 * (shared/metrics/), request ids and access logs, and the webhook routes under /v1 behind
 * bearer auth.
 * @module
 */
import { Hono } from "hono";
import { bearerAuth, type Verifier } from "@ticketd/shared/http/auth.ts";
import { errorHandler, notFoundHandler } from "@ticketd/shared/http/problem.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { mountOperations, type OperationsDeps } from "@ticketd/shared/metrics/operations_routes.ts";
import type { WebhooksEnv } from "./env.ts";

export interface WebhooksAppDeps {
  verify: Verifier;
  log: Logger;
  operations: OperationsDeps;
  routes: Hono<WebhooksEnv>[];
}

export function webhooksApp(deps: WebhooksAppDeps): Hono<WebhooksEnv> {
  const app = new Hono<WebhooksEnv>();
  app.onError(errorHandler(deps.log));
  app.notFound(notFoundHandler);
  mountOperations(app, deps.operations);
  app.use(requestLog(deps.log));
  const v1 = new Hono<WebhooksEnv>();
  v1.use(bearerAuth(deps.verify));
  for (const routes of deps.routes) v1.route("/", routes);
  app.route("/v1", v1);
  return app;
}
