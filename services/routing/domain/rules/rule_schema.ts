/**
 * The rule language: a rule is JSON with a name, triggers, conditions (all must hold; `any`
 * groups inside) and actions. This module is its zod schema and the parse that turns a bad shape
 * into 422 `invalid_rule`.
 * @module
 */
import { z } from "zod";
import { fail } from "@ticketd/shared/errors.ts";
import { PRIORITIES, TICKET_STATUSES } from "@ticketd/shared/events/tickets.ts";

export const TRIGGERS = ["created", "updated", "sla_warning", "sla_breached"] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** Ticket fields a condition may read; custom fields are `fields.<name>`. */
export const TICKET_FIELDS = [
  "priority",
  "status",
  "groupId",
  "assigneeId",
  "requesterId",
  "channel",
] as const;
export const FIELD_OPS = [
  "eq",
  "neq",
  "in",
  "not_in",
  "gt",
  "gte",
  "lt",
  "lte",
  "is_set",
  "is_not_set",
] as const;
export type FieldOp = (typeof FIELD_OPS)[number];
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export const TEXT_SOURCES = ["subject", "body"] as const;
export type TextSource = (typeof TEXT_SOURCES)[number];

// Same shape as the tickets service's tags (services/tickets/domain/tags.ts), lower case.
const TAG = /^[\p{L}\p{N}][\p{L}\p{N}_.:-]{0,63}$/u;
const tag = z.string().transform((t) => t.normalize("NFC").toLowerCase()).pipe(
  z.string().regex(TAG),
);
const id = z.string().min(1).max(128).regex(/^[\p{L}\p{N}_.@:+-]+$/u);
const scalar = z.union([z.string().max(500), z.number(), z.boolean()]);
const field = z.union([
  z.enum(TICKET_FIELDS),
  z.string().regex(/^fields\.[\p{L}\p{N}_.-]{1,64}$/u),
]);
const sources = z.array(z.enum(TEXT_SOURCES)).min(1).max(2).default(["subject", "body"]);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (00:00-23:59)");

const fieldCondition = z.strictObject({
  type: z.literal("field"),
  field,
  op: z.enum(FIELD_OPS),
  value: z.union([scalar, z.array(scalar).min(1).max(100)]).optional(),
});
const tagsCondition = z.strictObject({
  type: z.literal("tags"),
  op: z.enum(["has", "has_not"]),
  tags: z.array(tag).min(1).max(50),
});
const timeCondition = z.strictObject({ type: z.literal("time_of_day"), from: clock, to: clock });
const weekdayCondition = z.strictObject({
  type: z.literal("weekday"),
  days: z.array(z.enum(WEEKDAYS)).min(1).max(7),
});
const keywordsCondition = z.strictObject({
  type: z.literal("keywords"),
  any: z.array(z.string().trim().min(1).max(100)).min(1).max(200),
  in: sources,
});
const regexCondition = z.strictObject({
  type: z.literal("regex"),
  pattern: z.string().min(1).max(10_000),
  flags: z.string().regex(/^(?!.*(.).*\1)[ims]*$/, "flags are i, m, s, each once").default(""),
  in: sources,
});

export type FieldCondition = z.infer<typeof fieldCondition>;
export type TagsCondition = z.infer<typeof tagsCondition>;
export type TimeOfDayCondition = z.infer<typeof timeCondition>;
export type WeekdayCondition = z.infer<typeof weekdayCondition>;
export type KeywordsCondition = z.infer<typeof keywordsCondition>;
export type RegexCondition = z.infer<typeof regexCondition>;
export type AnyCondition = { type: "any"; conditions: Condition[] };
export type Condition =
  | FieldCondition
  | TagsCondition
  | TimeOfDayCondition
  | WeekdayCondition
  | KeywordsCondition
  | RegexCondition
  | AnyCondition;

const condition: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion("type", [
    fieldCondition,
    tagsCondition,
    timeCondition,
    weekdayCondition,
    keywordsCondition,
    regexCondition,
    z.strictObject({ type: z.literal("any"), conditions: z.array(condition).min(1).max(100) }),
  ])
) as z.ZodType<Condition>;

const target = z.string().regex(
  /^(group|agent|webhook):[\p{L}\p{N}_.@:+-]{1,128}$/u,
  "must be group:<id>, agent:<id> or webhook:<name>",
);
const action = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("set_priority"), priority: z.enum(PRIORITIES) }),
  z.strictObject({ type: z.literal("add_tags"), tags: z.array(tag).min(1).max(50) }),
  z.strictObject({ type: z.literal("set_group"), groupId: id }),
  z.strictObject({ type: z.literal("assign"), agentId: id }),
  z.strictObject({ type: z.literal("notify"), target }),
  z.strictObject({
    type: z.literal("escalate"),
    raisePriority: z.boolean().default(true),
    groupId: id.optional(),
  }).refine((a) => a.raisePriority || a.groupId, "escalate must raise priority or set a group"),
]);
export type Action = z.infer<typeof action>;

export const ruleBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
  when: z.array(z.enum(TRIGGERS)).min(1).max(4).default(["created", "updated"])
    .refine((w) => new Set(w).size === w.length, "triggers must not repeat"),
  conditions: z.array(condition).max(100).default([]),
  actions: z.array(action).min(1).max(20),
});

/** A rule as written (defaults applied). */
export type RuleBody = z.infer<typeof ruleBodySchema>;
/** A rule with its identity: `id` is a snowflake once saved, `draft:<n>` in a dry run. */
export type Rule = RuleBody & { id: string };

/** Statuses a `status` condition may name, for validation. */
export const STATUS_VALUES: readonly string[] = TICKET_STATUSES;
export const PRIORITY_VALUES: readonly string[] = PRIORITIES;

/** Parses one rule; throws 422 `invalid_rule` naming the rule and the first bad path. */
export function parseRule(input: unknown): RuleBody {
  const name = typeof (input as { name?: unknown })?.name === "string"
    ? (input as { name: string }).name
    : "(unnamed)";
  // Deeper than any rule needs, and deep enough to exhaust the stack of a recursive check.
  if (nestingDepth(input, MAX_RULE_NESTING) > MAX_RULE_NESTING) {
    fail("invalid_rule", `Rule "${name}" nests deeper than ${MAX_RULE_NESTING} levels`, 422, {
      rule: name,
    });
  }
  const parsed = ruleBodySchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const first = issues[0];
  fail("invalid_rule", `Rule "${name}": ${first.path || "rule"}: ${first.message}`, 422, {
    rule: name,
    issues,
  });
}

/** How deep a rule's JSON may nest (objects and arrays), `any` groups included. */
export const MAX_RULE_NESTING = 32;

/** The nesting depth of `value`, counted without recursion and no further than `limit` + 1. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== "object") continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > limit) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}
