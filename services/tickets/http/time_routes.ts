/**
 * Time tracking: log time on a ticket (a command like any other: `If-Match`, `Idempotency-Key`,
 * one commit), read a ticket's entries and totals, and an agent's total over a period.
 * @module
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { etag } from "@ticketd/shared/http/etag.ts";
import { readJson } from "@ticketd/shared/http/json_body.ts";
import { isPlainValue, text } from "@ticketd/shared/http/text.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import type { Sql } from "postgres";
import type { AddressOptions } from "@ticketd/shared/http/rate_limit.ts";
import { authorise, canSee, ticketScope } from "../domain/permissions.ts";
import type { TicketCommands } from "../command_handler.ts";
import type { ProjectionWatch } from "../projections/projection_watch.ts";
import { getTicket } from "../projections/ticket_queries.ts";
import { agentTime, ticketTime } from "../projections/time_queries.ts";
import { options } from "./command_routes.ts";
import { caughtUp } from "./query_routes.ts";
import type { TicketsEnv } from "./env.ts";
import { ticketIdParam, timeParam } from "./params.ts";
import type { HttpLimits } from "./schemas.ts";
import { commandView } from "./views.ts";

export interface TimeRoutesDeps {
  commands: TicketCommands;
  sql: Sql;
  envelope: Envelope;
  watch: ProjectionWatch;
  limits: HttpLimits;
  address: AddressOptions;
  /** `TICKETD_TIME_ENTRY_MAX_MINUTES` and `TICKETD_TIME_NOTE_MAX_CHARS`. */
  time: { maxEntryMinutes: number; maxNoteChars: number };
}

/** POST/GET /tickets/:id/time and GET /time/agents/:agentId. */
export function timeRoutes(deps: TimeRoutesDeps) {
  const app = new Hono<TicketsEnv>();
  const schema = timeEntrySchema(deps.time);

  app.post("/tickets/:id/time", async (c) => {
    const principal = c.get("principal");
    const id = ticketIdParam(c);
    const body = await readJson(c, schema, {
      maxBytes: deps.limits.maxRequestBytes,
      timeoutMs: deps.limits.bodyTimeoutMs,
    });
    const seconds = body.seconds ?? body.minutes! * 60;
    const result = await deps.commands.change(principal.tenant, id, principal, {
      type: "LogTime",
      seconds,
      note: body.note ?? null,
    }, options(c, deps.address));
    c.header("etag", etag(result.version));
    return c.json(commandView(result), 200);
  });

  app.get("/tickets/:id/time", async (c) => {
    const id = ticketIdParam(c);
    await caughtUp(c, deps);
    const principal = c.get("principal");
    authorise(principal, "read_time");
    const row = await getTicket(deps.sql, principal.tenant, id);
    if (!row || !canSee(principal, row)) fail("ticket_not_found", `No ticket with id "${id}"`, 404);
    const time = await ticketTime(deps.sql, principal.tenant, id);
    const scope = { tenant: principal.tenant, ticketId: id };
    const entries = await Promise.all(time.entries.map(async (e) => ({
      id: e.id,
      agentId: e.agentId,
      seconds: e.seconds,
      note: e.noteSealed === null
        ? null
        : await deps.envelope.openUnlessErased(e.noteSealed, scope),
      createdAt: e.createdAt.toISOString(),
      version: Number(e.version),
    })));
    c.header("etag", etag(row.version));
    return c.json({
      ticketId: id,
      totalSeconds: time.totalSeconds,
      byAgent: time.byAgent,
      entries,
    });
  });

  app.get("/time/agents/:agentId", async (c) => {
    await caughtUp(c, deps);
    const principal = c.get("principal");
    authorise(principal, "read_time");
    const agentId = c.req.param("agentId");
    if (agentId.length > 128 || !isPlainValue(agentId)) {
      fail("invalid_query", "The agent id is not a plain id of at most 128 chars", 400);
    }
    // An agent's total spans tickets outside their groups: only the whole tenant's readers see
    // anyone's; an agent sees their own.
    if (agentId !== principal.id && ticketScope(principal).kind !== "tenant") {
      fail("forbidden", "Agents may read only their own logged time", 403, { action: "read_time" });
    }
    const range = periodParams(c);
    const total = await agentTime(deps.sql, principal.tenant, agentId, range);
    return c.json({
      agentId,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      ...total,
    });
  });
  return app;
}

/** `{"minutes": 15}` or `{"seconds": 900}` (negative corrects), and an optional note. */
export function timeEntrySchema(limits: TimeRoutesDeps["time"]) {
  const max = limits.maxEntryMinutes;
  const amount = (unit: number) =>
    z.number().int().refine((n) => n !== 0 && Math.abs(n) <= max * unit, {
      message: `must be non-zero and at most ${max} minutes either way`,
    });
  return z.strictObject({
    minutes: amount(1).optional(),
    seconds: amount(60).optional(),
    // `null` is no note, as clients that send every field write it.
    note: text(limits.maxNoteChars).nullable().optional(),
  }).refine((b) => (b.minutes === undefined) !== (b.seconds === undefined), {
    message: "give minutes or seconds (one of them)",
  });
}

/** The period an agent's total covers when `from` is not given. */
const DEFAULT_PERIOD_MS = 30 * 86_400_000;

/** `from` and `to` (ISO 8601); by default the 30 days up to now. */
function periodParams(c: Context): { from: Date; to: Date } {
  const to = timeParam(c, "to") ?? new Date();
  const from = timeParam(c, "from") ?? new Date(to.getTime() - DEFAULT_PERIOD_MS);
  if (from >= to) fail("invalid_query", "from must be before to", 400, { param: "from" });
  return { from, to };
}
