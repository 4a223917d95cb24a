/**
 * Merges, splits and links over HTTP: each route runs one two-ticket operation
 * (`pairs/pair_runner.ts`) and answers with both tickets once JetStream has acknowledged every
 * step. `If-Match` (the ticket in the path) and `Idempotency-Key` as on every command.
 * @module
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { LINK_KINDS } from "@ticketd/shared/events/tickets.ts";
import { etag } from "@ticketd/shared/http/etag.ts";
import { readJson } from "@ticketd/shared/http/json_body.ts";
import { isSnowflake } from "@ticketd/shared/ids/snowflake.ts";
import type { PairResult, PairRunner } from "../pairs/pair_runner.ts";
import type { TicketsEnv } from "./env.ts";
import { ticketIdParam } from "./params.ts";
import type { HttpLimits } from "./schemas.ts";
import type { AddressOptions } from "@ticketd/shared/http/rate_limit.ts";
import { options } from "./command_routes.ts";
import { commandView } from "./views.ts";

export interface PairRoutesDeps {
  pairs: PairRunner;
  limits: HttpLimits;
  address: AddressOptions;
}

const ticketId = z.string().refine(isSnowflake, "must be a ticket id");

export const pairSchemas = {
  merge: z.strictObject({ into: ticketId }),
  link: z.strictObject({ ticketId, kind: z.enum(LINK_KINDS) }),
  unlink: z.strictObject({ ticketId }),
  split: z.strictObject({ atMessageId: ticketId }),
};

/** POST /tickets/:id/merge, /unmerge, /split, /unsplit, POST and DELETE /tickets/:id/links. */
export function pairRoutes({ pairs, limits, address }: PairRoutesDeps) {
  const app = new Hono<TicketsEnv>();
  const body = <S extends z.ZodType>(c: Context, schema: S) =>
    readJson(c, schema, { maxBytes: limits.maxRequestBytes, timeoutMs: limits.bodyTimeoutMs });

  app.post("/tickets/:id/merge", async (c) => {
    const principal = c.get("principal");
    const { into } = await body(c, pairSchemas.merge);
    const id = ticketIdParam(c);
    const call = options(c, address);
    return answer(c, await pairs.merge(principal.tenant, principal, id, into, call));
  });
  app.post("/tickets/:id/unmerge", async (c) => {
    const principal = c.get("principal");
    const id = ticketIdParam(c);
    return answer(c, await pairs.unmerge(principal.tenant, principal, id, options(c, address)));
  });
  app.post("/tickets/:id/links", async (c) => {
    const principal = c.get("principal");
    const { ticketId, kind } = await body(c, pairSchemas.link);
    const id = ticketIdParam(c);
    const call = options(c, address);
    return answer(c, await pairs.link(principal.tenant, principal, id, ticketId, kind, call));
  });
  app.delete("/tickets/:id/links", async (c) => {
    const principal = c.get("principal");
    const { ticketId } = await body(c, pairSchemas.unlink);
    const id = ticketIdParam(c);
    const call = options(c, address);
    return answer(c, await pairs.unlink(principal.tenant, principal, id, ticketId, call));
  });
  app.post("/tickets/:id/split", async (c) => {
    const principal = c.get("principal");
    const { atMessageId } = await body(c, pairSchemas.split);
    const id = ticketIdParam(c);
    const call = options(c, address);
    return answer(c, await pairs.split(principal.tenant, principal, id, atMessageId, call));
  });
  app.post("/tickets/:id/unsplit", async (c) => {
    const principal = c.get("principal");
    const id = ticketIdParam(c);
    return answer(c, await pairs.unsplit(principal.tenant, principal, id, options(c, address)));
  });
  return app;
}

/** Both tickets as their commands left them; the ETag is the version of the one in the path. */
function answer(c: Context, result: PairResult) {
  c.header("etag", etag(result.source.version));
  return c.json({ ticket: commandView(result.source), other: commandView(result.target) });
}
