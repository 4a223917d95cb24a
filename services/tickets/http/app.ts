/**
 * The tickets HTTP app: request ids and access logs, problem documents for every error, bearer
 * auth on /v1, the OpenAPI document, and the probes and /metrics (shared/metrics/).
 * @module
 */
import { Hono } from "hono";
import { bearerAuth, type Verifier } from "@ticketd/shared/http/auth.ts";
import { errorHandler, notFoundHandler } from "@ticketd/shared/http/problem.ts";
import { requestLog } from "@ticketd/shared/http/request_log.ts";
import { rateLimits, type RateLimitSettings } from "@ticketd/shared/http/rate_limit.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { mountOperations, type OperationsDeps } from "@ticketd/shared/metrics/operations_routes.ts";
import { commandRoutes, type CommandRoutesDeps } from "./command_routes.ts";
import type { TicketsEnv } from "./env.ts";
import type { ErasureDeps } from "../erasure.ts";
import { erasureRoutes } from "./erasure_routes.ts";
import { keyringRoutes, type KeyringRoutesDeps } from "./keyring_routes.ts";
import type { PairRunner } from "../pairs/pair_runner.ts";
import { pairRoutes } from "./pair_routes.ts";
import { openApiDocument } from "./openapi.ts";
import { queryRoutes, type QueryRoutesDeps } from "./query_routes.ts";
import { statusRoutes, type StatusRoutesDeps } from "./status_routes.ts";
import { timeRoutes, type TimeRoutesDeps } from "./time_routes.ts";
import { macroRoutes, type MacroRoutesDeps } from "./macro_routes.ts";
import { surveyLinkRoutes, surveyRoutes, type SurveyRoutesDeps } from "./survey_routes.ts";

export type TicketsAppDeps =
  & CommandRoutesDeps
  & QueryRoutesDeps
  & StatusRoutesDeps
  & TimeRoutesDeps
  & MacroRoutesDeps
  & SurveyRoutesDeps
  & {
    erasure: ErasureDeps;
    /** Merges and links (`pair_routes.ts`). */
    pairs: PairRunner;
    keyring: KeyringRoutesDeps;
    rateLimits: RateLimitSettings;
    verify: Verifier;
    log: Logger;
    operations: OperationsDeps;
  };

/** The whole tickets API as one Hono app. */
export function ticketsApp(deps: TicketsAppDeps): Hono<TicketsEnv> {
  const app = new Hono<TicketsEnv>();
  app.onError(errorHandler(deps.log));
  app.notFound(notFoundHandler);
  mountOperations(app, deps.operations);
  app.use(requestLog(deps.log));
  app.use(rateLimits(deps.rateLimits));
  app.get("/openapi.json", (c) => c.json(openApiDocument(deps.schemas)));
  // The survey answers behind its signed link alone: mounted before bearer auth takes /v1.
  app.route("/v1/surveys", surveyRoutes(deps));
  const v1 = new Hono<TicketsEnv>();
  v1.use(bearerAuth(deps.verify));
  v1.route("/", surveyLinkRoutes(deps));
  v1.route("/", commandRoutes(deps));
  v1.route("/", queryRoutes(deps));
  v1.route("/", statusRoutes(deps));
  v1.route("/", timeRoutes(deps));
  v1.route("/", macroRoutes(deps));
  v1.route("/", erasureRoutes(deps.erasure, deps));
  v1.route("/", keyringRoutes(deps.keyring));
  v1.route("/", pairRoutes(deps));
  app.route("/v1", v1);
  return app;
}
