/**
 * What routing knows about one ticket, for agents: the last routing decision and why, and the
 * most similar past tickets of the tenant that the caller may see. Plus the service's status
 * (lag behind the ticket stream, decisions in flight), for operators and probes.
 * @module
 */
import { Hono } from "hono";
import { fail } from "@ticketd/shared/errors.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import type { Decision } from "../router.ts";
import type { TrackedTicket } from "../domain/ticket_fold.ts";
import type { RoutingEnv } from "./env.ts";

const STAFF = new Set(["agent", "supervisor", "admin"]);
const MAX_SIMILAR = 50;

export interface TicketRoutesDeps {
  ticket(tenant: string, ticketId: string): TrackedTicket | undefined;
  decision(tenant: string, ticketId: string): Decision | undefined;
  similarTo(tenant: string, ticketId: string, k: number): { ticketId: string; score: number }[];
  status(): Promise<Record<string, unknown>>;
}

export function ticketRoutes(deps: TicketRoutesDeps): Hono<RoutingEnv> {
  const app = new Hono<RoutingEnv>();
  app.get("/routing/tickets/:id/similar", (c) => {
    const principal = staffOnly(c.get("principal"));
    const ticket = visibleTicket(deps, principal, c.req.param("id"));
    const k = limitParam(c.req.query("limit"));
    // Ask for more than `k`: some of the tenant's tickets may be outside the caller's groups.
    const items = deps.similarTo(principal.tenant, ticket.ticketId, k * 3)
      .flatMap(({ ticketId, score }) => {
        const other = deps.ticket(principal.tenant, ticketId);
        if (!other || !canSee(principal, other)) return [];
        return [{ ticketId, number: other.number, status: other.status, score: round(score) }];
      })
      .slice(0, k);
    return c.json({ ticketId: ticket.ticketId, items });
  });
  app.get("/routing/tickets/:id/decision", (c) => {
    const principal = staffOnly(c.get("principal"));
    const ticket = visibleTicket(deps, principal, c.req.param("id"));
    const decision = deps.decision(principal.tenant, ticket.ticketId);
    if (!decision) {
      fail("no_decision", `Routing has made no decision for "${ticket.ticketId}" yet`, 404);
    }
    return c.json(decision);
  });
  app.get("/routing/status", async (c) => {
    staffOnly(c.get("principal"));
    return c.json(await deps.status());
  });
  return app;
}

function staffOnly(principal: Principal): Principal {
  if (!STAFF.has(principal.role)) {
    fail("forbidden", "Routing is for agents, supervisors and admins", 403);
  }
  return principal;
}

/** Agents see the tickets of their groups, unassigned-to-group ones and their own. */
function canSee(principal: Principal, ticket: TrackedTicket): boolean {
  if (principal.role !== "agent") return true;
  return ticket.groupId === null || principal.groups.includes(ticket.groupId) ||
    ticket.assigneeId === principal.id;
}

function visibleTicket(deps: TicketRoutesDeps, principal: Principal, id: string): TrackedTicket {
  const ticket = /^[1-9][0-9]{0,18}$/.test(id) ? deps.ticket(principal.tenant, id) : undefined;
  if (!ticket || !canSee(principal, ticket)) fail("ticket_not_found", "No such ticket", 404);
  return ticket;
}

function limitParam(raw: string | undefined): number {
  if (raw === undefined) return 10;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_SIMILAR) {
    fail("invalid_limit", `limit must be an integer in 1..${MAX_SIMILAR}`, 400);
  }
  return value;
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}
