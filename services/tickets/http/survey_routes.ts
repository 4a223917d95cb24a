/**
 * The satisfaction survey (docs/csat.md). Public, behind the signed link alone (no sign-in):
 * `GET /v1/surveys/:token` says which ticket and whether it can be answered, `POST` records the
 * requester's rating through the ticket command path (one commit, in the stream and the audit
 * trail). Signed in: `GET /v1/tickets/:id/survey` gives the requester of a solved ticket its
 * link (the portal shows it). Whether a survey is open is read from the ticket's state (stream),
 * which alone knows it was answered or merged.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import type { Sql } from "postgres";
import { surveyLink, type SurveyTokens } from "@ticketd/shared/csat/survey_token.ts";
import { fail } from "@ticketd/shared/errors.ts";
import { ticketSubject } from "@ticketd/shared/events/tickets.ts";
import { etag } from "@ticketd/shared/http/etag.ts";
import { readJson } from "@ticketd/shared/http/json_body.ts";
import type { AddressOptions } from "@ticketd/shared/http/rate_limit.ts";
import { text } from "@ticketd/shared/http/text.ts";
import type { TicketCommands } from "../command_handler.ts";
import { canSee } from "../domain/permissions.ts";
import { surveyClosedBecause } from "../domain/satisfaction.ts";
import type { Ticket } from "../domain/ticket.ts";
import { getTicket } from "../projections/ticket_queries.ts";
import type { TicketLoader } from "../ticket_loader.ts";
import { options } from "./command_routes.ts";
import type { TicketsEnv } from "./env.ts";
import { ticketIdParam } from "./params.ts";
import type { HttpLimits } from "./schemas.ts";

export interface SurveyRoutesDeps {
  commands: TicketCommands;
  sql: Sql;
  loader: TicketLoader;
  surveys: SurveyTokens;
  limits: HttpLimits;
  address: AddressOptions;
  /** `TICKETD_CSAT_SURVEY_DAYS` and `TICKETD_CSAT_COMMENT_MAX_CHARS`. */
  csat: { surveyDays: number; maxCommentChars: number };
  now: () => Date;
}

/** The public routes, mounted at `/v1/surveys` before bearer auth. */
export function surveyRoutes(deps: SurveyRoutesDeps) {
  const app = new Hono<TicketsEnv>();
  const schema = z.strictObject({
    rating: z.number().int().min(1).max(5),
    comment: text(deps.csat.maxCommentChars).optional(),
  });

  app.get("/:token", async (c) => {
    const scope = deps.surveys.verify(c.req.param("token"), deps.now().getTime());
    const ticket = await currentState(deps, scope.tenant, scope.ticketId);
    if (ticket.status === "none") fail("survey_not_found", "No such survey", 404);
    const closedBecause = surveyClosedBecause(ticket);
    return c.json({
      ticketNumber: ticket.number,
      status: ticket.status,
      open: closedBecause === null,
      closedBecause,
    });
  });

  app.post("/:token", async (c) => {
    const scope = deps.surveys.verify(c.req.param("token"), deps.now().getTime());
    const body = await readJson(c, schema, {
      maxBytes: deps.limits.maxRequestBytes,
      timeoutMs: deps.limits.bodyTimeoutMs,
    });
    const actor = { id: scope.requesterId, role: "customer" as const, groups: [] };
    const result = await deps.commands.change(scope.tenant, scope.ticketId, actor, {
      type: "RateSatisfaction",
      rating: body.rating,
      comment: body.comment ?? null,
    }, options(c, deps.address));
    c.header("etag", etag(result.version));
    return c.json({ rated: true, version: result.version }, 200);
  });
  return app;
}

/** `GET /tickets/:id/survey`: the requester's link to rate their solved ticket. */
export function surveyLinkRoutes(deps: SurveyRoutesDeps) {
  const app = new Hono<TicketsEnv>();
  app.get("/tickets/:id/survey", async (c) => {
    const principal = c.get("principal");
    const id = ticketIdParam(c);
    const row = await getTicket(deps.sql, principal.tenant, id);
    if (!row || !canSee(principal, row)) fail("ticket_not_found", `No ticket with id "${id}"`, 404);
    if (row.requesterId !== principal.id) {
      fail("forbidden", "Only the ticket's requester answers its survey", 403, {
        action: "rate_satisfaction",
      });
    }
    const ticket = await currentState(deps, principal.tenant, id);
    // An answered survey still gets its link (the page says it was answered); a merged or
    // unsolved ticket gets none, as its link could never be answered.
    const reason = ticket.status === "none" ? "not_solved" : surveyClosedBecause(ticket);
    if (reason === "merged" || reason === "not_solved") {
      fail("survey_not_open", `The survey of ticket "${id}" is not open`, 409, {
        ticketStatus: row.status,
        reason,
      });
    }
    const expiresAt = Math.floor(deps.now().getTime() / 1000) + deps.csat.surveyDays * 86_400;
    const token = deps.surveys.issue({
      tenant: principal.tenant,
      ticketId: id,
      requesterId: row.requesterId,
      expiresAt,
    });
    return c.json({
      token,
      path: surveyLink(token),
      expiresAt: new Date(expiresAt * 1000).toISOString(),
    });
  });
  return app;
}

async function currentState(deps: SurveyRoutesDeps, tenant: string, id: string): Promise<Ticket> {
  const subject = ticketSubject(tenant, id);
  return (await deps.loader.catchUp(subject, await deps.loader.load(subject))).state;
}
