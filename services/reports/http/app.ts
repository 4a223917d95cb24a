/**
 * The reports HTTP app: request ids and access logs, problem documents for every error, health
 * probes, and the report routes under /v1 behind bearer auth.
 * @module
 */
import { Hono } from "hono";
import { bearerAuth, type Verifier } from "@ticketd/shared/http/auth.ts";
import { errorHandler, notFoundHandler } from "@ticketd/shared/http/problem.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { ReportsEnv } from "./report_routes.ts";

export interface ReportsAppDeps {
  verify: Verifier;
  log: Logger;
  ready: () => boolean;
  routes: Hono<ReportsEnv>;
}

export function reportsApp(deps: ReportsAppDeps): Hono<ReportsEnv> {
  const app = new Hono<ReportsEnv>();
  app.onError(errorHandler(deps.log));
  app.notFound(notFoundHandler);
  app.use(requestLog(deps.log));
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get(
    "/readyz",
    (c) => deps.ready() ? c.json({ status: "ready" }) : c.json({ status: "starting" }, 503),
  );
  const v1 = new Hono<ReportsEnv>();
  v1.use(bearerAuth(deps.verify));
  v1.route("/", deps.routes);
  app.route("/v1", v1);
  return app;
}
