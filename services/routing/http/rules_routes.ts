/**
 * The rules API of routing, in the caller's tenant: agents and stronger read the rules and try
 * them (dry run); supervisors and admins change them. Rule bodies are refused as `invalid_rule`
 * (not `invalid_request`) so a console shows one kind of error for a bad rule.
 * @module
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { fail } from "@ticketd/shared/errors.ts";
import { PRIORITIES, type Role } from "@ticketd/shared/events/tickets.ts";
import { etag, parseIfMatch } from "@ticketd/shared/http/etag.ts";
import { readJson } from "@ticketd/shared/http/json_body.ts";
import { isSnowflake } from "@ticketd/shared/ids/snowflake.ts";
import type { RoutingTicket } from "../domain/routing_ticket.ts";
import { evaluateRules } from "../domain/rules/evaluate.ts";
import { parseRule, type Rule, TRIGGERS } from "../domain/rules/rule_schema.ts";
import {
  type CustomFieldSchema,
  DEFAULT_RULE_LIMITS,
  type RuleLimits,
  validateRuleSet,
} from "../domain/rules/validate.ts";
import type { RulesStore, StoredRule } from "../store/rules_store.ts";
import type { BodyLimits, RoutingEnv } from "./env.ts";

export interface RulesRoutesDeps {
  rules: RulesStore;
  /** The ticket as routing sees it, for a dry run by id; undefined when there is none. */
  ticketView: (tenant: string, ticketId: string) => Promise<RoutingTicket | undefined>;
  customFieldSchema: (tenant: string) => CustomFieldSchema;
  timeZone: (tenant: string) => string;
  now: () => number;
  limits: BodyLimits;
  /** The limits unsaved rules of a dry run are validated with (the store has its own). */
  ruleLimits?: RuleLimits;
  /** Told after every committed change, with the set's new version (fire and forget). */
  onRulesChanged?: (tenant: string, setVersion: number) => void;
}

const READERS: readonly Role[] = ["agent", "supervisor", "admin"];
const EDITORS: readonly Role[] = ["supervisor", "admin"];
const anyBody = z.unknown();
const orderBody = z.strictObject({ ids: z.array(z.string().max(32)).max(10_000) });
const fieldValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
const draftTicket = z.strictObject({
  subject: z.string().max(100_000).default(""),
  body: z.string().max(1_000_000).default(""),
  priority: z.enum(PRIORITIES).default("normal"),
  tags: z.array(z.string().max(64)).max(100).default([]),
  channel: z.string().max(64).optional(),
  customFields: z.record(z.string().max(64), fieldValue).default({}),
  requesterId: z.string().max(128).default(""),
  groupId: z.string().max(128).nullable().default(null),
  assigneeId: z.string().max(128).nullable().default(null),
});
const dryRunBody = z.strictObject({
  ticketId: z.string().max(32).optional(),
  ticket: draftTicket.optional(),
  rules: z.array(z.unknown()).max(1_000).optional(),
  trigger: z.enum(TRIGGERS).default("created"),
}).refine(
  (b) => (b.ticketId === undefined) !== (b.ticket === undefined),
  "Give either ticketId or ticket",
);

/** `/routing/rules`. */
export function rulesRoutes(deps: RulesRoutesDeps): Hono<RoutingEnv> {
  const app = new Hono<RoutingEnv>();
  const changed = (tenant: string, setVersion: number) => deps.onRulesChanged?.(tenant, setVersion);
  const changeOf = (c: Context<RoutingEnv>) => {
    const me = allowed(c, EDITORS);
    return { tenant: me.tenant, actorId: me.id, customFields: deps.customFieldSchema(me.tenant) };
  };

  app.get("/routing/rules", async (c) => {
    const set = await deps.rules.list(allowed(c, READERS).tenant);
    return c.json({ version: set.version, rules: set.rules.map(view) }, 200, {
      etag: etag(set.version),
    });
  });
  app.post("/routing/rules", async (c) => {
    const change = changeOf(c);
    const body = parseRule(await readJson(c, anyBody, deps.limits));
    const saved = await deps.rules.create(change, body);
    changed(change.tenant, saved.setVersion);
    return c.json({ ...view(saved.rule), setVersion: saved.setVersion }, 201, {
      etag: etag(saved.rule.version),
      location: `/v1/routing/rules/${saved.rule.id}`, // mounted under /v1
    });
  });
  app.put("/routing/rules/order", async (c) => {
    const change = changeOf(c);
    const expected = parseIfMatch(c.req.header("if-match"));
    const { ids } = await readJson(c, orderBody, deps.limits);
    const set = await deps.rules.reorder(change, ids, expected);
    changed(change.tenant, set.version);
    return c.json({ version: set.version, rules: set.rules.map(view) }, 200, {
      etag: etag(set.version),
    });
  });
  app.post("/routing/rules/dry-run", async (c) => {
    const me = allowed(c, READERS);
    const input = await readJson(c, dryRunBody, deps.limits);
    const rules = input.rules
      ? drafts(input.rules, deps.customFieldSchema(me.tenant), deps.ruleLimits)
      : (await deps.rules.list(me.tenant)).rules;
    const ticket = input.ticketId !== undefined
      ? await visibleTicket(deps, me, input.ticketId)
      : draft(me.tenant, input.ticket!, deps.now());
    return c.json(
      evaluateRules(rules, ticket, {
        trigger: input.trigger,
        now: deps.now(),
        timeZone: deps.timeZone(me.tenant),
      }),
    );
  });
  app.get("/routing/rules/:id", async (c) => {
    const rule = await found(deps, allowed(c, READERS).tenant, c.req.param("id"));
    return c.json(view(rule), 200, { etag: etag(rule.version) });
  });
  app.put("/routing/rules/:id", async (c) => {
    const change = changeOf(c);
    const expected = parseIfMatch(c.req.header("if-match"));
    if (expected === undefined) {
      fail("precondition_required", 'Send If-Match with the rule\'s version, like "3"', 428);
    }
    const id = (await found(deps, change.tenant, c.req.param("id"))).id;
    const saved = await deps.rules.update(
      change,
      id,
      parseRule(await readJson(c, anyBody, deps.limits)),
      expected,
    );
    changed(change.tenant, saved.setVersion);
    return c.json({ ...view(saved.rule), setVersion: saved.setVersion }, 200, {
      etag: etag(saved.rule.version),
    });
  });
  app.delete("/routing/rules/:id", async (c) => {
    const change = changeOf(c);
    const id = (await found(deps, change.tenant, c.req.param("id"))).id;
    const { setVersion } = await deps.rules.delete(
      change,
      id,
      parseIfMatch(c.req.header("if-match")),
    );
    changed(change.tenant, setVersion);
    return c.json({ deleted: id, setVersion });
  });
  app.get("/routing/rules/:id/history", async (c) => {
    const me = allowed(c, READERS);
    const id = c.req.param("id");
    if (!isSnowflake(id)) notFound(id);
    return c.json({ ruleId: id, versions: await deps.rules.history(me.tenant, id) });
  });
  return app;
}

function allowed(c: Context<RoutingEnv>, roles: readonly Role[]) {
  const me = c.get("principal");
  if (!roles.includes(me.role)) {
    fail(
      "forbidden",
      `The ${me.role} role may not ${roles === EDITORS ? "change" : "read"} routing rules`,
      403,
    );
  }
  return me;
}

async function found(deps: RulesRoutesDeps, tenant: string, id: string): Promise<StoredRule> {
  const rule = isSnowflake(id) ? await deps.rules.get(tenant, id) : null;
  return rule ?? notFound(id);
}

function notFound(id: string): never {
  fail("rule_not_found", `No rule "${id.slice(0, 32)}" in this tenant`, 404);
}

/** Unsaved rules to try, validated as a set would be on save; ids are `draft:<n>`. */
function drafts(
  inputs: unknown[],
  customFields: CustomFieldSchema,
  limits = DEFAULT_RULE_LIMITS,
): Rule[] {
  const rules = inputs.map((input, i) => ({ ...parseRule(input), id: `draft:${i + 1}` }));
  validateRuleSet(rules, { customFields, limits });
  return rules;
}

/** The ticket by id, if the caller could see it: an agent only their groups', the unsorted and their own. */
async function visibleTicket(
  deps: RulesRoutesDeps,
  me: { tenant: string; id: string; role: Role; groups: string[] },
  ticketId: string,
): Promise<RoutingTicket> {
  const ticket = isSnowflake(ticketId) ? await deps.ticketView(me.tenant, ticketId) : undefined;
  const visible = ticket && (me.role !== "agent" || ticket.groupId === null ||
    me.groups.includes(ticket.groupId) || ticket.assigneeId === me.id);
  if (!visible) {
    fail("ticket_not_found", `No ticket "${ticketId.slice(0, 32)}" in this tenant`, 404);
  }
  return ticket;
}

function draft(tenant: string, input: z.infer<typeof draftTicket>, now: number): RoutingTicket {
  const at = new Date(now).toISOString();
  const channel = input.channel ??
    (typeof input.customFields.channel === "string" ? input.customFields.channel : "api");
  return {
    ...input,
    tags: input.tags.map((t) => t.normalize("NFC").toLowerCase()),
    channel,
    tenant,
    ticketId: "0",
    number: 0,
    status: "new",
    version: 0,
    createdAt: at,
    updatedAt: at,
    firstResponseAt: null,
    assignedAt: null,
    lastStaffReplyAt: null,
    solvedAt: null,
    lastActorRole: "customer",
  };
}

function view(rule: StoredRule) {
  const { id, name, enabled, when, conditions, actions, version, position, createdAt, updatedAt } =
    rule;
  return { id, name, enabled, when, conditions, actions, version, position, createdAt, updatedAt };
}
