/**
 * The audit HTTP app: request ids and access logs, problem documents for every error, health
 * probes, Prometheus `/metrics`, the public keys (for offline verification), and the audit
 * routes under /v1 behind bearer auth.
 * @module
 */
import { Hono } from "hono";
import { bearerAuth, type Verifier } from "@ticketd/shared/http/auth.ts";
import { errorHandler, notFoundHandler } from "@ticketd/shared/http/problem.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { AuditEnv } from "./audit_routes.ts";

export interface AuditAppDeps {
  verify: Verifier;
  log: Logger;
  ready: () => boolean;
  metrics: () => Promise<string>;
  publicKeys: () => unknown;
  routes: Hono<AuditEnv>;
}

export function auditApp(deps: AuditAppDeps): Hono<AuditEnv> {
  const app = new Hono<AuditEnv>();
  app.onError(errorHandler(deps.log));
  app.notFound(notFoundHandler);
  app.use(requestLog(deps.log));
  app.use(async (c, next) => {
    c.set("log", deps.log); // for failures after the answer started (a CSV export's page)
    await next();
  });
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get(
    "/readyz",
    (c) => deps.ready() ? c.json({ status: "ready" }) : c.json({ status: "starting" }, 503),
  );
  app.get("/metrics", async (c) =>
    c.text(await deps.metrics(), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    }));
  app.get("/audit/keys", (c) => c.json(deps.publicKeys()));
  const v1 = new Hono<AuditEnv>();
  v1.use(bearerAuth(deps.verify));
  v1.route("/", deps.routes);
  app.route("/v1", v1);
  return app;
}
