/**
 * The webhooks HTTP app: request ids and access logs, problem documents for every error,
 * health probes, and the webhook routes under /v1 behind bearer auth.
 * @module
 */
import { Hono } from "hono";
import { bearerAuth, type Verifier } from "@ticketd/shared/http/auth.ts";
import { errorHandler, notFoundHandler } from "@ticketd/shared/http/problem.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { WebhooksEnv } from "./env.ts";

export interface WebhooksAppDeps {
  verify: Verifier;
  log: Logger;
  ready: () => boolean;
  routes: Hono<WebhooksEnv>[];
}

export function webhooksApp(deps: WebhooksAppDeps): Hono<WebhooksEnv> {
  const app = new Hono<WebhooksEnv>();
  app.onError(errorHandler(deps.log));
  app.notFound(notFoundHandler);
  app.use(requestLog(deps.log));
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get(
    "/readyz",
    (c) => deps.ready() ? c.json({ status: "ready" }) : c.json({ status: "starting" }, 503),
  );
  const v1 = new Hono<WebhooksEnv>();
  v1.use(bearerAuth(deps.verify));
  for (const routes of deps.routes) v1.route("/", routes);
  app.route("/v1", v1);
  return app;
}
