/**
 * Save-time validation of a tenant's whole rule set: every refusal is a 422 `DomainError` with
 * a stable code and the offending rule in `extra`, so a bad rule never reaches evaluation.
 * @module
 */
import { compileLinear } from "./linear_regex.ts";
import { fail } from "@ticketd/shared/errors.ts";
import { describeLoop, findLoop } from "./rule_graph.ts";
import { compileRegex, regexHazard } from "./regex_safety.ts";
import {
  type Condition,
  type FieldCondition,
  PRIORITY_VALUES,
  type Rule,
  STATUS_VALUES,
} from "./rule_schema.ts";

/** The tenant's custom fields, shaped like the tickets service's `CustomFieldSchema`. */
export type CustomFieldSchema = Readonly<
  Record<string, { type: string; options?: readonly string[] }>
>;

export interface RuleLimits {
  /** Rules per tenant. */
  maxRules: number;
  /** Conditions per rule, counting each `any` group and everything inside it. */
  maxConditions: number;
  /** Characters in one regular expression. */
  maxPatternLength: number;
}

export const DEFAULT_RULE_LIMITS: RuleLimits = {
  maxRules: 200,
  maxConditions: 50,
  maxPatternLength: 500,
};

export interface RuleSetPolicy {
  customFields: CustomFieldSchema;
  limits: RuleLimits;
}

/** Throws the first reason `rules` (in order) may not be saved as a tenant's set. */
export function validateRuleSet(rules: readonly Rule[], policy: RuleSetPolicy): void {
  const { limits } = policy;
  if (rules.length > limits.maxRules) {
    fail("too_many_rules", `A tenant may have at most ${limits.maxRules} rules`, 422, {
      limit: limits.maxRules,
    });
  }
  const names = new Set<string>();
  for (const rule of rules) {
    const key = rule.name.toLowerCase();
    if (names.has(key)) refuse(rule, "invalid_rule", `Two rules are named "${rule.name}"`);
    names.add(key);
    validateRule(rule, policy);
  }
  const loop = findLoop(rules);
  if (loop) {
    const cycle = [...loop.map((f) => f.from), loop[0].from];
    fail("rule_loop", `Rules feed each other in a loop: ${describeLoop(loop)}`, 422, {
      rule: loop[0].from.name,
      ruleId: loop[0].from.id,
      cycle: cycle.map((r) => r.name),
      cycleIds: cycle.map((r) => r.id),
    });
  }
}

function validateRule(rule: Rule, policy: RuleSetPolicy): void {
  const count = countConditions(rule.conditions);
  if (count > policy.limits.maxConditions) {
    refuse(
      rule,
      "too_many_conditions",
      `Rule "${rule.name}" has ${count} conditions; at most ${policy.limits.maxConditions} are allowed`,
    );
  }
  for (const condition of leaves(rule.conditions)) validateCondition(rule, condition, policy);
}

function validateCondition(rule: Rule, condition: Condition, policy: RuleSetPolicy): void {
  if (condition.type === "field") validateField(rule, condition, policy.customFields);
  if (condition.type === "time_of_day" && condition.from === condition.to) {
    refuse(
      rule,
      "invalid_rule",
      `Rule "${rule.name}": time_of_day from and to are both ${condition.from}`,
    );
  }
  if (condition.type !== "regex") return;
  const linear = compileLinear(condition.pattern, condition.flags);
  const compiled = typeof linear === "string"
    ? `${linear} (rules run on a linear-time engine: no backreferences or lookaround)`
    : compileRegex(condition.pattern, condition.flags);
  const extra = { pattern: condition.pattern };
  if (typeof compiled === "string") {
    refuse(
      rule,
      "invalid_regex",
      `Rule "${rule.name}": /${condition.pattern}/ is not a valid regular expression: ${compiled}`,
      extra,
    );
  }
  const hazard = regexHazard(condition.pattern, condition.flags, policy.limits.maxPatternLength);
  if (hazard) {
    refuse(rule, "unsafe_regex", `Rule "${rule.name}": /${condition.pattern}/ ${hazard}`, extra);
  }
}

function validateField(rule: Rule, condition: FieldCondition, schema: CustomFieldSchema): void {
  const { field, op, value } = condition;
  const custom = field.startsWith("fields.") ? field.slice("fields.".length) : undefined;
  const definition = custom === undefined
    ? undefined
    : Object.hasOwn(schema, custom)
    ? schema[custom]
    : undefined;
  if (custom !== undefined && !definition) {
    refuse(
      rule,
      "unknown_field",
      `Rule "${rule.name}" reads "${field}", which is not a custom field of this tenant`,
      { field },
    );
  }
  const bad = (problem: string) =>
    refuse(rule, "invalid_rule", `Rule "${rule.name}": ${field} ${op} ${problem}`, { field });
  const presence = op === "is_set" || op === "is_not_set";
  if (presence) return value === undefined ? undefined : bad("takes no value");
  if (value === undefined) return bad("needs a value");
  const list = op === "in" || op === "not_in";
  if (list !== Array.isArray(value)) {
    return bad(list ? "needs a list of values" : "needs one value");
  }
  const type = definition?.type ?? (field === "priority" ? "priority" : "id");
  const ordered = op === "gt" || op === "gte" || op === "lt" || op === "lte";
  if (ordered && !["priority", "number", "date"].includes(type)) {
    return bad("compares order, which only priority, number and date fields have");
  }
  for (const one of Array.isArray(value) ? value : [value]) {
    const problem = valueProblem(field, type, one, definition?.options);
    if (problem) bad(problem);
  }
}

function valueProblem(
  field: string,
  type: string,
  value: string | number | boolean,
  options: readonly string[] | undefined,
): string | undefined {
  if (field === "priority" && !PRIORITY_VALUES.includes(String(value))) {
    return `value "${value}" is not a priority`;
  }
  if (field === "status" && !STATUS_VALUES.includes(String(value))) {
    return `value "${value}" is not a status`;
  }
  if (type === "number") return typeof value === "number" ? undefined : "needs a number";
  if (type === "boolean") return typeof value === "boolean" ? undefined : "needs true or false";
  if (typeof value !== "string") return "needs text";
  if (type === "choice" && options && !options.includes(value)) {
    return `value "${value}" is not one of ${options.join(", ")}`;
  }
  return undefined;
}

/** Every condition that is not an `any` group, nested ones included. */
export function leaves(conditions: readonly Condition[]): Condition[] {
  return conditions.flatMap((c) => c.type === "any" ? leaves(c.conditions) : [c]);
}

function countConditions(conditions: readonly Condition[]): number {
  return conditions.reduce(
    (n, c) => n + 1 + (c.type === "any" ? countConditions(c.conditions) : 0),
    0,
  );
}

function refuse(
  rule: Rule,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): never {
  fail(code, message, 422, { rule: rule.name, ruleId: rule.id, ...extra });
}
