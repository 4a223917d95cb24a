/**
 * Reads: lists and search from the read model, one ticket with its messages, and a ticket's
 * history straight from its events. `min_version` makes a read wait (bounded) until the read
 * model has applied that version, for read-your-writes.
 * @module
 */
import { type Context, Hono } from "hono";
import type { Sql } from "postgres";
import type { TenantTokenHasher } from "@ticketd/shared/search/tokens.ts";
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import { PRIORITIES, TICKET_STATUSES } from "@ticketd/shared/events/tickets.ts";
import type { EventStore } from "@ticketd/shared/eventstore/port.ts";
import { fail } from "@ticketd/shared/errors.ts";
import { etag } from "@ticketd/shared/http/etag.ts";
import { isSnowflake } from "@ticketd/shared/ids/snowflake.ts";
import { type Actor } from "../domain/commands.ts";
import { allows, authorise, canSee, ticketScope } from "../domain/permissions.ts";
import type { ProjectionWatch } from "../projections/projection_watch.ts";
import {
  getTicket,
  listMessages,
  listTickets,
  type SortField,
  SORTS,
} from "../projections/ticket_queries.ts";
import {
  coRequesterIds,
  listRelationsView,
  mergedIds,
  relationsOf,
  relationsView,
  ticketRelations,
} from "../projections/relation_queries.ts";
import { countQueues, type QueueName } from "../projections/ticket_counts.ts";
import type { TicketsEnv } from "./env.ts";
import { ticketHistory } from "./history.ts";
import { idsParam, intParam, listParam, stringParam, ticketIdParam, timeParam } from "./params.ts";
import type { HttpLimits } from "./schemas.ts";
import { messageView, ticketView } from "./views.ts";
import { type ReadActivityDeps, recordStaffRead } from "./read_activity.ts";

export interface QueryRoutesDeps extends ReadActivityDeps {
  sql: Sql;
  store: EventStore;
  envelope: Envelope;
  hashTokens: TenantTokenHasher;
  watch: ProjectionWatch;
  limits: HttpLimits;
}

/** GET /tickets, /tickets/counts, /tickets/:id and /tickets/:id/history. */
export function queryRoutes(deps: QueryRoutesDeps) {
  const app = new Hono<TicketsEnv>();

  app.get("/tickets", async (c) => {
    await caughtUp(c, deps);
    const principal = c.get("principal");
    authorise(principal, "list");
    const scope = ticketScope(principal);
    const { sort, descending } = sortParam(c);
    const page = await listTickets(deps.sql, {
      tenant: principal.tenant,
      scope,
      status: listParam(c, "status", TICKET_STATUSES),
      customStatusIds: customStatusParam(c),
      priority: listParam(c, "priority", PRIORITIES),
      assigneeId: assigneeParam(c),
      groupIds: listParam(c, "group"),
      // The scope already names a customer's requester; what they ask for is ignored.
      requesterId: scope.kind === "own" ? undefined : stringParam(c, "requester"),
      number: c.req.query("number") === undefined
        ? undefined
        : intParam(c, "number", 0, 1, 2 ** 31 - 1),
      ids: idsParam(c, deps.limits.maxListIds),
      tags: listParam(c, "tag")?.map((t) => t.normalize("NFC").toLowerCase()),
      createdFrom: timeParam(c, "created_from"),
      createdTo: timeParam(c, "created_to"),
      text: stringParam(c, "q", 500),
      searchNotes: allows(principal, "read_notes"),
      sort,
      descending,
      limit: intParam(c, "limit", 50, 1, deps.limits.maxPageSize),
      cursor: stringParam(c, "cursor", 512),
    }, deps.hashTokens);
    const related = await relationsOf(deps.sql, principal.tenant, page.tickets.map((r) => r.id));
    const tickets = await Promise.all(
      page.tickets.map(async (row) => ({
        ...withoutNoteCount(principal, await ticketView(deps.envelope, row)),
        ...listRelationsView(related.get(row.id) ?? []),
      })),
    );
    // The query text is never kept: only that there was one, and how many tickets came back.
    await recordStaffRead(c, deps, "tickets.search.read", tenantTarget(principal.tenant), {
      results: tickets.length,
      text: c.req.query("q") !== undefined,
    });
    return c.json({ tickets, nextCursor: page.nextCursor });
  });

  // Before "/tickets/:id", which would take "counts" for an id.
  app.get("/tickets/counts", async (c) => {
    await caughtUp(c, deps);
    const principal = c.get("principal");
    authorise(principal, "list");
    const counts = await countQueues(deps.sql, {
      tenant: principal.tenant,
      scope: ticketScope(principal),
      actor: principal,
      queues: queueParam(c, deps.limits.maxPageSize),
    });
    return c.json({ counts });
  });

  app.get("/tickets/:id", async (c) => {
    const id = ticketIdParam(c);
    await caughtUp(c, deps);
    const principal = c.get("principal");
    authorise(principal, "read");
    const row = await getTicket(deps.sql, principal.tenant, id);
    const relations = row ? await ticketRelations(deps.sql, principal.tenant, id) : [];
    if (!row || !canSee(principal, { ...row, coRequesterIds: coRequesterIds(relations) })) {
      fail("ticket_not_found", `No ticket with id "${id}"`, 404);
    }
    const notes = allows(principal, "read_notes");
    const merged = mergedIds(relations);
    const messages = await listMessages(deps.sql, principal.tenant, id, notes, merged);
    const view = {
      ...(await ticketView(deps.envelope, row)),
      // The stored count includes notes (for everyone), merged tickets' and split-off messages.
      messageCount: messages.length,
      ...relationsView(relations),
      messages: await Promise.all(messages.map((m) => messageView(deps.envelope, m))),
    };
    await recordStaffRead(c, deps, "tickets.ticket.read", { type: "ticket", id }, {
      messages: messages.length,
    });
    c.header("etag", etag(row.version));
    return c.json(view);
  });

  app.get("/tickets/:id/history", async (c) => {
    const id = ticketIdParam(c);
    const history = await ticketHistory(deps, c.get("principal"), id);
    await recordStaffRead(c, deps, "tickets.history.read", { type: "ticket", id }, {
      entries: history.entries.length,
    });
    c.header("etag", etag(history.version));
    return c.json(history);
  });

  return app;
}

function tenantTarget(tenant: string) {
  return { type: "tenant", id: tenant };
}

/** The stored count includes internal notes, so those who may not read them do not get it. */
function withoutNoteCount<T extends { messageCount: number }>(actor: Actor, view: T) {
  if (allows(actor, "read_notes")) return view;
  const { messageCount: _, ...rest } = view;
  return rest;
}

/** `assignee=<id>`, or `assignee=none` for tickets nobody is assigned (null). */
function assigneeParam(c: Context): string | null | undefined {
  const assignee = stringParam(c, "assignee");
  return assignee === "none" ? null : assignee;
}

/** `custom_status=<id>` (repeated or comma-separated): custom status ids. */
function customStatusParam(c: Context): string[] | undefined {
  const ids = listParam(c, "custom_status");
  if (ids?.some((id) => !isSnowflake(id))) {
    fail("invalid_query", "custom_status items must be custom status ids", 400, {
      param: "custom_status",
    });
  }
  return ids;
}

const QUEUE_NAME = /^(mine|unassigned|groups|group:.+)$/;

/** `queue=` (repeated or comma-separated): at least one, at most `max`, each a queue name. */
function queueParam(c: Context, max: number): QueueName[] {
  const queues = [...new Set(listParam(c, "queue") ?? [])];
  const bad = queues.find((q) => !QUEUE_NAME.test(q));
  if (queues.length === 0 || queues.length > max || bad !== undefined) {
    fail(
      "invalid_query",
      `queue must be 1 to ${max} of mine, unassigned, groups, group:<id>` +
        (bad === undefined ? "" : ` (not "${bad.slice(0, 40)}")`),
      400,
      { param: "queue" },
    );
  }
  return queues as QueueName[];
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
export async function caughtUp(
  c: Context,
  deps: Pick<QueryRoutesDeps, "watch" | "limits">,
): Promise<void> {
  const minVersion = intParam(c, "min_version", 0, 0, Number.MAX_SAFE_INTEGER);
  if (minVersion === 0) return;
  const waitMs = intParam(c, "wait_ms", deps.limits.maxReadWaitMs, 0, deps.limits.maxReadWaitMs);
  if (!(await deps.watch.waitFor(minVersion, waitMs))) {
    fail("projection_lagging", `The read model has not reached version ${minVersion} yet`, 503, {
      position: deps.watch.position,
    });
  }
}
