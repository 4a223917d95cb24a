/**
 * Reads: lists and search from the read model, one ticket with its messages, and a ticket's
 * history straight from its events. `min_version` makes a read wait (bounded) until the read
 * model has applied that version, for read-your-writes.
 * @module
 */
import { type Context, Hono } from "hono";
import type { Sql } from "postgres";
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import { PRIORITIES, TICKET_STATUSES } from "@ticketd/shared/events/tickets.ts";
import type { EventStore } from "@ticketd/shared/eventstore/port.ts";
import { fail } from "@ticketd/shared/errors.ts";
import { etag } from "@ticketd/shared/http/etag.ts";
import type { ProjectionWatch } from "../projections/projection_watch.ts";
import {
  getTicket,
  listMessages,
  listTickets,
  type SortField,
  SORTS,
} from "../projections/ticket_queries.ts";
import type { TicketsEnv } from "./env.ts";
import { ticketHistory } from "./history.ts";
import { intParam, listParam, stringParam, ticketIdParam, timeParam } from "./params.ts";
import type { HttpLimits } from "./schemas.ts";
import { messageView, ticketView } from "./views.ts";

export interface QueryRoutesDeps {
  sql: Sql;
  store: EventStore;
  envelope: Envelope;
  searchKey: Uint8Array;
  watch: ProjectionWatch;
  limits: HttpLimits;
}

/** GET /tickets, /tickets/:id and /tickets/:id/history. */
export function queryRoutes(deps: QueryRoutesDeps) {
  const app = new Hono<TicketsEnv>();

  app.get("/tickets", async (c) => {
    await caughtUp(c, deps);
    const principal = c.get("principal");
    const isCustomer = principal.role === "customer";
    const { sort, descending } = sortParam(c);
    const page = await listTickets(deps.sql, {
      tenant: principal.tenant,
      status: listParam(c, "status", TICKET_STATUSES),
      priority: listParam(c, "priority", PRIORITIES),
      assigneeId: stringParam(c, "assignee"),
      groupId: stringParam(c, "group"),
      requesterId: isCustomer ? principal.id : stringParam(c, "requester"),
      number: c.req.query("number") === undefined
        ? undefined
        : intParam(c, "number", 0, 1, 2 ** 31 - 1),
      tags: listParam(c, "tag")?.map((t) => t.normalize("NFC").toLowerCase()),
      createdFrom: timeParam(c, "created_from"),
      createdTo: timeParam(c, "created_to"),
      text: stringParam(c, "q", 500),
      searchNotes: !isCustomer,
      sort,
      descending,
      limit: intParam(c, "limit", 50, 1, deps.limits.maxPageSize),
      cursor: stringParam(c, "cursor", 512),
    }, deps.searchKey);
    const tickets = await Promise.all(page.tickets.map((row) => ticketView(deps.envelope, row)));
    return c.json({ tickets, nextCursor: page.nextCursor });
  });

  app.get("/tickets/:id", async (c) => {
    const id = ticketIdParam(c);
    await caughtUp(c, deps);
    const principal = c.get("principal");
    const row = await getTicket(deps.sql, principal.tenant, id);
    if (!row || (principal.role === "customer" && row.requesterId !== principal.id)) {
      fail("ticket_not_found", `No ticket with id "${id}"`, 404);
    }
    const messages = await listMessages(
      deps.sql,
      principal.tenant,
      id,
      principal.role !== "customer",
    );
    c.header("etag", etag(row.version));
    return c.json({
      ...(await ticketView(deps.envelope, row)),
      messages: await Promise.all(messages.map((m) => messageView(deps.envelope, m))),
    });
  });

  app.get("/tickets/:id/history", async (c) => {
    const id = ticketIdParam(c);
    const history = await ticketHistory(deps, c.get("principal"), id);
    c.header("etag", etag(history.version));
    return c.json(history);
  });

  return app;
}

function sortParam(c: Context): { sort: SortField; descending: boolean } {
  const raw = c.req.query("sort") ?? "-created_at";
  const descending = raw.startsWith("-");
  const sort = raw.replace(/^[-+]/, "");
  if (!Object.hasOwn(SORTS, sort)) {
    fail(
      "invalid_query",
      `sort must be one of ${Object.keys(SORTS).join(", ")} (prefix - for descending)`,
      400,
      {
        param: "sort",
      },
    );
  }
  return { sort: sort as SortField, descending };
}

/** Waits for `min_version`, up to `wait_ms` (bounded by the configured maximum). */
async function caughtUp(c: Context, deps: QueryRoutesDeps): Promise<void> {
  const minVersion = intParam(c, "min_version", 0, 0, Number.MAX_SAFE_INTEGER);
  if (minVersion === 0) return;
  const waitMs = intParam(c, "wait_ms", deps.limits.maxReadWaitMs, 0, deps.limits.maxReadWaitMs);
  if (!(await deps.watch.waitFor(minVersion, waitMs))) {
    fail("projection_lagging", `The read model has not reached version ${minVersion} yet`, 503, {
      position: deps.watch.position,
    });
  }
}
