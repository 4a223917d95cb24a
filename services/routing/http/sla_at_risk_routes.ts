/**
 * `GET /routing/sla/at-risk`: the caller's tenant's tickets whose first response or resolution
 * is due within `within` minutes or overdue, earliest first, keyset-paginated; agents get only
 * the tickets they can see. The agent workspace's "SLA at risk" queue. `GET
 * /routing/sla/at-risk/count`: how many there are, exactly, for the queue's count.
 * @module
 */
import { type Context, Hono } from "hono";
import { fail } from "@ticketd/shared/errors.ts";
import type { Role } from "@ticketd/shared/events/tickets.ts";
import type { RoutingTicket } from "../domain/routing_ticket.ts";
import type { SlaPolicy } from "../domain/sla/policy.ts";
import type { SlaState } from "../domain/sla/sla_state.ts";
import { type AtRiskTicket, ticketsAtRisk } from "../sla/at_risk.ts";
import { compareIds } from "../sla/sla_timers.ts";
import type { RoutingEnv } from "./env.ts";
import { allowed, canSee } from "./sla_routes.ts";

export interface SlaAtRiskDeps {
  /** The folded SLA states of the tenant's open tickets, by ticket id. */
  states(tenant: string): Iterable<[ticketId: string, state: SlaState]>;
  policy(tenant: string): Promise<SlaPolicy>;
  ticketView(tenant: string, ticketId: string): Promise<RoutingTicket | undefined>;
  /** Who a ticket is with, from memory (no text opened): what the count's visibility needs. */
  tracked(
    tenant: string,
    ticketId: string,
  ): Pick<RoutingTicket, "groupId" | "assigneeId"> | undefined;
  now: () => number;
  maxPageSize: number;
}

const STAFF: readonly Role[] = ["agent", "supervisor", "admin"];
/** A week: a wider window is every open ticket, which the tickets list already answers. */
const MAX_WITHIN_MINUTES = 7 * 24 * 60;
const DEFAULT_WITHIN_MINUTES = 60;
const CURSOR = /^([0-9]{1,16})_([1-9][0-9]{0,18})$/;

export function slaAtRiskRoutes(deps: SlaAtRiskDeps): Hono<RoutingEnv> {
  const app = new Hono<RoutingEnv>();

  app.get("/routing/sla/at-risk", async (c) => {
    const me = allowed(c, STAFF);
    const within = intQuery(c, "within", DEFAULT_WITHIN_MINUTES, 0, MAX_WITHIN_MINUTES);
    const limit = intQuery(c, "limit", Math.min(50, deps.maxPageSize), 1, deps.maxPageSize);
    const after = cursorQuery(c);
    const now = deps.now();
    const policy = await deps.policy(me.tenant);
    const page: AtRiskTicket[] = [];
    let more = false;
    for (const entry of ticketsAtRisk(deps.states(me.tenant), policy, now + within * 60_000)) {
      if (after && !isAfter(entry, after)) continue;
      const ticket = await deps.ticketView(me.tenant, entry.ticketId);
      if (!ticket || !canSee(me, ticket)) continue;
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push(entry);
    }
    const last = page.at(-1);
    return c.json({
      at: new Date(now).toISOString(),
      tickets: page.map((entry) => ({
        ticketId: entry.ticketId,
        target: entry.target,
        dueAt: new Date(entry.dueAt).toISOString(),
        breached: entry.dueAt <= now,
        policyPriority: entry.policyPriority,
      })),
      nextCursor: more && last ? `${last.dueAt}_${last.ticketId}` : null,
    });
  });

  // The same walk as the list, counted: in memory, no ticket's text opened, no other I/O.
  app.get("/routing/sla/at-risk/count", async (c) => {
    const me = allowed(c, STAFF);
    const within = intQuery(c, "within", DEFAULT_WITHIN_MINUTES, 0, MAX_WITHIN_MINUTES);
    const now = deps.now();
    const policy = await deps.policy(me.tenant);
    let count = 0;
    let breached = 0;
    for (const entry of ticketsAtRisk(deps.states(me.tenant), policy, now + within * 60_000)) {
      const ticket = deps.tracked(me.tenant, entry.ticketId);
      if (!ticket || !canSee(me, ticket)) continue;
      count++;
      if (entry.dueAt <= now) breached++;
    }
    return c.json({ at: new Date(now).toISOString(), within, count, breached });
  });

  return app;
}

function isAfter(entry: AtRiskTicket, after: { dueAt: number; ticketId: string }): boolean {
  return entry.dueAt > after.dueAt ||
    (entry.dueAt === after.dueAt && compareIds(entry.ticketId, after.ticketId) > 0);
}

function intQuery(c: Context, name: string, fallback: number, min: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^[0-9]{1,7}$/.test(raw) || value < min || value > max) {
    fail(`invalid_${name}`, `${name} must be an integer in ${min}..${max}`, 400, { param: name });
  }
  return value;
}

function cursorQuery(c: Context): { dueAt: number; ticketId: string } | null {
  const raw = c.req.query("cursor");
  if (raw === undefined) return null;
  const match = CURSOR.exec(raw);
  if (!match) fail("invalid_cursor", "cursor must be a nextCursor this list returned", 400);
  return { dueAt: Number(match[1]), ticketId: match[2] };
}
