/**
 * The SLA API of routing, in the caller's tenant: the business calendar and the targets by
 * priority (read by staff and auditors, written by supervisors and admins), and a ticket's clocks.
 * @module
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { fail } from "@ticketd/shared/errors.ts";
import type { Role } from "@ticketd/shared/events/tickets.ts";
import { readJson } from "@ticketd/shared/http/json_body.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import { ALWAYS_OPEN, type BusinessCalendar, validateCalendar } from "../domain/sla/calendar.ts";
import { clockView } from "../domain/sla/clock_view.ts";
import { slaDeadlines } from "../domain/sla/deadlines.ts";
import { validateTargets } from "../domain/sla/policy.ts";
import { type SlaState, slaStateFromTicket } from "../domain/sla/sla_state.ts";
import type { RoutingTicket } from "../domain/routing_ticket.ts";
import type { SlaStore } from "../store/sla_store.ts";
import type { BodyLimits, RoutingEnv } from "./env.ts";

export interface SlaRoutesDeps {
  store: Pick<SlaStore, "calendar" | "putCalendar" | "targets" | "putTargets" | "policy">;
  ticketView(tenant: string, ticketId: string): Promise<RoutingTicket | undefined>;
  /** The ticket's folded SLA state; without it, one is derived from the ticket alone. */
  slaState?(tenant: string, ticketId: string): Promise<SlaState | undefined>;
  /** The clock (epoch ms) remaining minutes are counted at. */
  now: () => number;
  body: BodyLimits;
  /** Told after the calendar or the targets change (fire and forget). */
  onPolicyChanged?: (tenant: string) => void;
}

const READERS: readonly Role[] = ["agent", "supervisor", "admin", "auditor"];
const EDITORS: readonly Role[] = ["supervisor", "admin"];
const TICKET_ID = /^[1-9][0-9]{0,18}$/;

/** Warn at this share of a target's time when a policy names none (docs/routing.md). */
const DEFAULT_WARN_AT_PERCENT = 80;
const targetBody = z.strictObject({
  firstResponseMinutes: z.number(),
  resolutionMinutes: z.number(),
  warnAtPercent: z.number().default(DEFAULT_WARN_AT_PERCENT),
});
const policiesBody = z.strictObject({ policies: z.record(z.string().max(16), targetBody) });
const clock = z.string().max(5);
const calendarBody = z.strictObject({
  timeZone: z.string().max(64),
  hours: z.union([
    z.literal("24x7"),
    z.record(z.string().max(8), z.array(z.string().max(16)).max(8)),
  ]),
  holidays: z.array(z.strictObject({
    date: z.string().max(10),
    from: clock.optional(),
    to: clock.optional(),
    name: z.string().max(100).optional(),
  })).max(1000).default([]),
});

/** `/routing/sla/policies`, `/routing/sla/calendar` and `/routing/sla/tickets/:id`. */
export function slaRoutes(deps: SlaRoutesDeps): Hono<RoutingEnv> {
  const app = new Hono<RoutingEnv>();

  app.get("/routing/sla/policies", async (c) => {
    const me = allowed(c, READERS);
    return c.json({ policies: await deps.store.targets(me.tenant) });
  });

  app.put("/routing/sla/policies", async (c) => {
    const me = allowed(c, EDITORS);
    const { policies } = await readJson(c, policiesBody, deps.body);
    await deps.store.putTargets(me.tenant, validateTargets(policies));
    deps.onPolicyChanged?.(me.tenant);
    return c.json({ policies: await deps.store.targets(me.tenant) });
  });

  app.get("/routing/sla/calendar", async (c) => {
    const me = allowed(c, READERS);
    const calendar = await deps.store.calendar(me.tenant);
    return c.json({ calendar: calendar ?? ALWAYS_OPEN, isDefault: calendar === null });
  });

  app.put("/routing/sla/calendar", async (c) => {
    const me = allowed(c, EDITORS);
    const calendar = validateCalendar(
      await readJson(c, calendarBody, deps.body) as BusinessCalendar,
    );
    await deps.store.putCalendar(me.tenant, calendar);
    deps.onPolicyChanged?.(me.tenant);
    return c.json({ calendar: await deps.store.calendar(me.tenant), isDefault: false });
  });

  app.get("/routing/sla/tickets/:id", async (c) => {
    const me = allowed(c, READERS);
    const ticketId = c.req.param("id");
    if (!TICKET_ID.test(ticketId)) {
      fail("invalid_ticket_id", `"${ticketId.slice(0, 32)}" is not a ticket id`, 400);
    }
    const ticket = await deps.ticketView(me.tenant, ticketId);
    if (!ticket || !canSee(me, ticket)) fail("ticket_not_found", `No ticket ${ticketId}`, 404);
    const state = (await deps.slaState?.(me.tenant, ticketId)) ?? slaStateFromTicket(ticket);
    const policy = await deps.store.policy(me.tenant);
    const deadlines = slaDeadlines(state, policy);
    const now = deps.now();
    const view = (which: "firstResponse" | "resolution") => {
      const clock = deadlines[which];
      return clock ? clockView(clock, now, policy.calendar) : null;
    };
    return c.json({
      ticketId,
      policyPriority: deadlines.priority,
      at: new Date(now).toISOString(),
      firstResponse: view("firstResponse"),
      resolution: view("resolution"),
    });
  });

  return app;
}

/** The caller, when their role is one of `roles` (403 `forbidden` otherwise). */
export function allowed(c: Context<RoutingEnv>, roles: readonly Role[]): Principal {
  const me = c.get("principal");
  if (!roles.includes(me.role)) {
    fail("forbidden", `The ${me.role} role may not ${c.req.method} ${c.req.path}`, 403);
  }
  return me;
}

/** The tickets service's rule: agents see no-group tickets, their groups' and their own. */
export function canSee(
  me: Principal,
  ticket: Pick<RoutingTicket, "groupId" | "assigneeId">,
): boolean {
  if (me.role !== "agent") return true;
  return ticket.groupId === null || me.groups.includes(ticket.groupId) ||
    ticket.assigneeId === me.id;
}
