/**
 * The reports HTTP app: problem documents for every error, the probes and /metrics
 * (shared/metrics/: request metrics, the feeds' positions and lag), request ids and access logs,
 * and the report routes under /v1 behind bearer auth.
 * @module
 */
import { Hono } from "hono";
import { bearerAuth, type Verifier } from "@ticketd/shared/http/auth.ts";
import { errorHandler, notFoundHandler } from "@ticketd/shared/http/problem.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { mountOperations, type OperationsDeps } from "@ticketd/shared/metrics/operations_routes.ts";
import type { ReportsEnv } from "./report_routes.ts";

export interface ReportsAppDeps {
  verify: Verifier;
  log: Logger;
  operations: OperationsDeps;
  routes: Hono<ReportsEnv>;
}

export function reportsApp(deps: ReportsAppDeps): Hono<ReportsEnv> {
  const app = new Hono<ReportsEnv>();
  app.onError(errorHandler(deps.log));
  app.notFound(notFoundHandler);
  mountOperations(app, deps.operations);
  app.use(requestLog(deps.log));
  const v1 = new Hono<ReportsEnv>();
  v1.use(bearerAuth(deps.verify));
  v1.route("/", deps.routes);
  app.route("/v1", v1);
  return app;
}
