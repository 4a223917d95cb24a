/**
 * The agents API of routing, in the caller's tenant: profiles (skills, languages, groups,
 * capacity) kept by supervisors and admins, and presence, where each agent reports their own.
 * @module
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { fail } from "@ticketd/shared/errors.ts";
import type { Role } from "@ticketd/shared/events/tickets.ts";
import { readJson } from "@ticketd/shared/http/json_body.ts";
import { plainString, text } from "@ticketd/shared/http/text.ts";
import type { PresenceBoard } from "../presence/presence_board.ts";
import { PRESENCE_STATUSES } from "../presence/presence_bucket.ts";
import type { AgentStore, StoredAgent } from "../store/agents_store.ts";
import type { BodyLimits, RoutingEnv } from "./env.ts";

/**
 * Agent ids are identity user ids (tokens' `sub`). They become one token of NATS subjects and KV
 * keys (presence, notifications), so letters, digits, `_` and `-` only.
 */
const AGENT_ID = /^[A-Za-z0-9_-]{1,128}$/;

export interface AgentsRoutesDeps {
  agents: AgentStore;
  presence: Pick<PresenceBoard, "heartbeat" | "online" | "status">;
  /** The presence bucket's TTL; the console heartbeats every third of it. */
  presenceTtlMs: number;
  /** The capacity of a profile that names none. */
  defaultCapacity: number;
  body: BodyLimits;
  maxPageSize: number;
  /** Told after a profile is stored or removed (fire and forget: it handles its own errors). */
  onAgentChanged?: (tenant: string, agentId: string) => void;
}

const READERS: readonly Role[] = ["agent", "supervisor", "admin", "auditor"];
const EDITORS: readonly Role[] = ["supervisor", "admin"];
const PRESENT: readonly Role[] = ["agent", "supervisor", "admin"];
const GROUP = /^[\p{L}\p{N}_.@:+-]{1,128}$/u; // the tokens' groups rule (shared/http/auth.ts)

const languageTag = z.string().max(64).transform((tag, ctx) => {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    ctx.issues.push({ code: "custom", message: `"${tag}" is not a BCP 47 tag`, input: tag });
    return z.NEVER;
  }
});
const distinct = <T>(items: T[]) => [...new Set(items)];
const profileBody = z.strictObject({
  displayName: text(200, { singleLine: true }),
  skills: z.array(plainString(64).transform((s) => s.toLowerCase())).max(100).default([]),
  languages: z.array(languageTag).max(20).default([]),
  groups: z.array(z.string().regex(GROUP)).max(256).default([]),
  capacity: z.int().min(1).max(10_000).optional(),
  active: z.boolean().default(true),
});
const presenceBody = z.strictObject({ status: z.enum(PRESENCE_STATUSES) });

/** `/routing/agents` and `/routing/presence`. */
export function agentsRoutes(deps: AgentsRoutesDeps): Hono<RoutingEnv> {
  const app = new Hono<RoutingEnv>();
  const view = (agent: StoredAgent) => ({
    ...agent,
    status: deps.presence.status(agent.tenant, agent.agentId),
  });

  app.get("/routing/agents", async (c) => {
    const me = allowed(c, READERS);
    const group = c.req.query("group");
    if (group !== undefined && !GROUP.test(group)) {
      fail("invalid_request", "group must be a group id", 400);
    }
    const page = { ...pageOf(c, deps.maxPageSize), group };
    const agents = await deps.agents.list(me.tenant, page);
    const next = agents.length === page.limit ? agents[agents.length - 1].agentId : null;
    return c.json({ agents: agents.map(view), next });
  });
  app.get("/routing/agents/:id", async (c) => {
    const me = allowed(c, READERS);
    return c.json(view(await existing(deps.agents, me.tenant, c.req.param("id"))));
  });
  app.put("/routing/agents/:id", async (c) => {
    const me = allowed(c, EDITORS);
    const agentId = agentIdOf(c.req.param("id"));
    const input = await readJson(c, profileBody, deps.body);
    const { agent, created } = await deps.agents.put({
      tenant: me.tenant,
      agentId,
      displayName: input.displayName,
      skills: distinct(input.skills),
      languages: distinct(input.languages),
      groups: distinct(input.groups),
      capacity: input.capacity ?? deps.defaultCapacity,
      active: input.active,
    });
    deps.onAgentChanged?.(me.tenant, agentId);
    return c.json(view(agent), created ? 201 : 200);
  });
  app.delete("/routing/agents/:id", async (c) => {
    const me = allowed(c, EDITORS);
    const agentId = agentIdOf(c.req.param("id"));
    if (!await deps.agents.remove(me.tenant, agentId)) notFound(agentId);
    deps.onAgentChanged?.(me.tenant, agentId);
    return c.body(null, 204);
  });
  app.put("/routing/presence", async (c) => {
    const me = allowed(c, PRESENT);
    if (!AGENT_ID.test(me.id)) {
      fail("forbidden", `Only users have presence; "${me.id.slice(0, 64)}" is not one`, 403);
    }
    const { status } = await readJson(c, presenceBody, deps.body);
    const beat = await deps.presence.heartbeat(me.tenant, me.id, status);
    const heartbeatEveryMs = Math.floor(deps.presenceTtlMs / 3);
    return c.json({ agentId: beat.agentId, status: beat.status, at: beat.at, heartbeatEveryMs });
  });
  app.get("/routing/presence", (c) => {
    const me = allowed(c, READERS);
    const agents = deps.presence.online(me.tenant);
    return c.json({ agents: agents.map(({ agentId, status, at }) => ({ agentId, status, at })) });
  });
  return app;
}

function allowed(c: Context<RoutingEnv>, roles: readonly Role[]) {
  const me = c.get("principal");
  if (!roles.includes(me.role)) {
    fail("forbidden", `The ${me.role} role may not ${c.req.method} ${c.req.path}`, 403);
  }
  return me;
}

function agentIdOf(raw: string): string {
  if (!AGENT_ID.test(raw)) {
    fail("invalid_agent_id", `Agent id "${raw.slice(0, 32)}" is not a user id`, 400);
  }
  return raw;
}

async function existing(agents: AgentStore, tenant: string, raw: string): Promise<StoredAgent> {
  const agentId = agentIdOf(raw);
  return await agents.find(tenant, agentId) ?? notFound(agentId);
}

function notFound(agentId: string): never {
  fail("agent_not_found", `No agent "${agentId}" in this tenant`, 404);
}

function pageOf(c: Context, max: number): { limit: number; after?: string } {
  const raw = c.req.query("limit");
  const limit = raw === undefined ? Math.min(50, max) : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    fail("invalid_request", `limit must be an integer in 1..${max}`, 400);
  }
  const after = c.req.query("after");
  if (after !== undefined && !AGENT_ID.test(after)) {
    fail("invalid_request", "after must be an agent id", 400);
  }
  return { limit, after };
}
