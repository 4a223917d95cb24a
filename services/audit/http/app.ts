/**
 * The audit HTTP app: request ids and access logs, problem documents for every error, the probes
 * and Prometheus `/metrics` (shared/metrics/), the public keys (for offline verification), and
 * the audit routes under /v1 behind bearer auth.
 * @module
 */
import { Hono } from "hono";
import { bearerAuth, type Verifier } from "@ticketd/shared/http/auth.ts";
import { errorHandler, notFoundHandler } from "@ticketd/shared/http/problem.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { mountOperations, type OperationsDeps } from "@ticketd/shared/metrics/operations_routes.ts";
import type { AuditEnv } from "./audit_routes.ts";

export interface AuditAppDeps {
  verify: Verifier;
  log: Logger;
  operations: OperationsDeps;
  publicKeys: () => unknown;
  routes: Hono<AuditEnv>;
}

export function auditApp(deps: AuditAppDeps): Hono<AuditEnv> {
  const app = new Hono<AuditEnv>();
  app.onError(errorHandler(deps.log));
  app.notFound(notFoundHandler);
  mountOperations(app, deps.operations);
  app.use(requestLog(deps.log));
  app.use(async (c, next) => {
    c.set("log", deps.log); // for failures after the answer started (a CSV export's page)
    await next();
  });
  app.get("/audit/keys", (c) => c.json(deps.publicKeys()));
  const v1 = new Hono<AuditEnv>();
  v1.use(bearerAuth(deps.verify));
  v1.route("/", deps.routes);
  app.route("/v1", v1);
  return app;
}
