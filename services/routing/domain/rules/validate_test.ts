import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import { rule } from "./fixtures.ts";
import { parseRule } from "./rule_schema.ts";
import { DEFAULT_RULE_LIMITS, type RuleSetPolicy, validateRuleSet } from "./validate.ts";

const policy: RuleSetPolicy = {
  customFields: { plan: { type: "choice", options: ["free", "gold"] }, seats: { type: "number" } },
  limits: DEFAULT_RULE_LIMITS,
};

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DomainError, String(error));
    assert.equal(error.status, 422);
    return error;
  }
  assert.fail("expected a refusal");
}

const keyword = (word: string) => ({ type: "keywords", any: [word] });
const field = (name: string, op: string, value?: unknown) => ({
  type: "field",
  field: name,
  op,
  value,
});

Deno.test("validateRuleSet - accepts rules on known fields, tags, text and time", () => {
  validateRuleSet([
    rule({
      name: "gold",
      conditions: [field("fields.plan", "eq", "gold"), field("fields.seats", "gte", 50)],
    }),
    rule({
      name: "vip",
      conditions: [{ type: "tags", op: "has", tags: ["VIP"] }, keyword("崩溃")],
    }),
    rule({ name: "night", conditions: [{ type: "time_of_day", from: "22:00", to: "06:00" }] }),
  ], policy);
});

Deno.test("validateRuleSet - unknown_field names the rule and the custom field", () => {
  const error = refusal(() =>
    validateRuleSet([
      rule({ name: "by region", conditions: [field("fields.region", "eq", "eu")] }, "11"),
    ], policy)
  );
  assert.equal(error.code, "unknown_field");
  assert.deepEqual(error.extra, { rule: "by region", ruleId: "11", field: "fields.region" });
  assert.match(error.message, /"by region" reads "fields.region"/);
});

Deno.test("validateRuleSet - unknown_field inside an any group too", () => {
  const nested = { type: "any", conditions: [keyword("x"), field("fields.nope", "is_set")] };
  assert.equal(
    refusal(() => validateRuleSet([rule({ name: "n", conditions: [nested] })], policy)).code,
    "unknown_field",
  );
});

Deno.test("validateRuleSet - invalid_regex carries the engine's reason and the pattern", () => {
  const error = refusal(() =>
    validateRuleSet([
      rule({ name: "r", conditions: [{ type: "regex", pattern: "timeout (\\d+" }] }),
    ], policy)
  );
  assert.equal(error.code, "invalid_regex");
  assert.equal(error.extra.pattern, "timeout (\\d+");
  assert.match(error.message, /Rule "r": \/timeout \(\\d\+\/ is not a valid regular expression/);
});

Deno.test("validateRuleSet - unsafe_regex refuses catastrophic backtracking", () => {
  const error = refusal(() =>
    validateRuleSet([
      rule({ name: "words", conditions: [{ type: "regex", pattern: "^(\\w+\\s?)+$" }] }),
    ], policy)
  );
  assert.equal(error.code, "unsafe_regex");
  assert.equal(error.extra.rule, "words");
});

Deno.test("validateRuleSet - rule_loop names a two-rule cycle and what each feeds the other", () => {
  const a = rule({
    name: "A",
    conditions: [field("groupId", "eq", "billing")],
    actions: [{ type: "set_priority", priority: "high" }],
  }, "1");
  const b = rule({
    name: "B",
    conditions: [field("priority", "eq", "high")],
    actions: [{ type: "set_group", groupId: "tier2" }],
  }, "2");
  const error = refusal(() => validateRuleSet([a, b], policy));
  assert.equal(error.code, "rule_loop");
  assert.deepEqual(error.extra.cycle, ["A", "B", "A"]);
  assert.match(
    error.message,
    /"A" sets priority, which "B" reads; "B" sets groupId, which "A" reads/,
  );
});

Deno.test("validateRuleSet - rule_loop through a chain of three rules", () => {
  const set = [
    rule({
      name: "tag vip",
      conditions: [field("assigneeId", "is_set")],
      actions: [{ type: "add_tags", tags: ["vip"] }],
    }),
    rule({
      name: "vip urgent",
      conditions: [{ type: "tags", op: "has", tags: ["vip"] }],
      actions: [{ type: "escalate" }],
    }),
    rule({
      name: "urgent to lead",
      conditions: [field("priority", "eq", "urgent")],
      actions: [{ type: "assign", agentId: "42" }],
    }),
  ];
  const error = refusal(() => validateRuleSet(set, policy));
  assert.equal(error.code, "rule_loop");
  assert.deepEqual(error.extra.cycle, ["tag vip", "vip urgent", "urgent to lead", "tag vip"]);
});

Deno.test("validateRuleSet - a rule that only settles is not a loop", () => {
  validateRuleSet([
    rule({
      name: "crash urgent",
      conditions: [keyword("crash")],
      actions: [{ type: "set_priority", priority: "urgent" }],
    }),
    rule({
      name: "high stays",
      conditions: [field("priority", "eq", "high")],
      actions: [{ type: "set_priority", priority: "urgent" }],
    }),
    rule({
      name: "urgent to tier2",
      conditions: [field("priority", "eq", "urgent")],
      actions: [{ type: "notify", target: "group:tier2" }],
    }),
  ], policy);
});

Deno.test("validateRuleSet - rules that never run on updated cannot loop", () => {
  const a = rule({
    name: "A",
    when: ["created"],
    conditions: [field("groupId", "eq", "g")],
    actions: [{ type: "set_priority", priority: "high" }],
  });
  const b = rule({
    name: "B",
    conditions: [field("priority", "eq", "high")],
    actions: [{ type: "set_group", groupId: "g" }],
  });
  validateRuleSet([a, b], policy);
  validateRuleSet([{ ...a, when: ["created", "updated"], enabled: false }, b], policy);
});

Deno.test("validateRuleSet - too_many_rules and too_many_conditions follow the limits passed in", () => {
  const limits = { ...DEFAULT_RULE_LIMITS, maxRules: 2, maxConditions: 2 };
  const three = [rule({ name: "a" }), rule({ name: "b" }), rule({ name: "c" })];
  assert.equal(refusal(() => validateRuleSet(three, { ...policy, limits })).code, "too_many_rules");
  const busy = rule({
    name: "busy",
    conditions: [{ type: "any", conditions: [keyword("a"), keyword("b")] }],
  });
  const error = refusal(() => validateRuleSet([busy], { ...policy, limits }));
  assert.equal(error.code, "too_many_conditions");
  assert.equal(error.extra.rule, "busy");
});

Deno.test("validateRuleSet - invalid_rule for values that do not fit the field", () => {
  const cases = [
    field("priority", "eq", "critical"),
    field("status", "in", ["open", "archived"]),
    field("fields.plan", "eq", "platinum"),
    field("fields.seats", "eq", "many"),
    field("groupId", "gt", "a"),
    field("priority", "in", "high"),
    field("assigneeId", "is_set", "x"),
    { type: "time_of_day", from: "09:00", to: "09:00" },
  ];
  for (const condition of cases) {
    const error = refusal(() =>
      validateRuleSet([rule({ name: "bad", conditions: [condition] })], policy)
    );
    assert.equal(error.code, "invalid_rule", JSON.stringify(condition));
  }
});

Deno.test("validateRuleSet - two rules with one name are refused", () => {
  assert.equal(
    refusal(() => validateRuleSet([rule({ name: "Same" }), rule({ name: "same" })], policy)).code,
    "invalid_rule",
  );
});

Deno.test("parseRule - invalid_rule names the rule and the bad path", () => {
  const error = refusal(() =>
    parseRule({ name: "x", actions: [{ type: "set_priority", priority: "asap" }] })
  );
  assert.equal(error.code, "invalid_rule");
  assert.equal(error.extra.rule, "x");
  assert.match(error.message, /actions\.0\.priority/);
  assert.equal(refusal(() => parseRule({ name: "y", actions: [] })).code, "invalid_rule");
  assert.equal(
    refusal(() => parseRule({ name: "z", actions: [{ type: "notify", target: "email:x" }] })).code,
    "invalid_rule",
  );
});

Deno.test("parseRule - defaults: enabled, created and updated, no conditions", () => {
  const parsed = parseRule({ name: "n", actions: [{ type: "escalate" }] });
  assert.deepEqual(parsed, {
    name: "n",
    enabled: true,
    when: ["created", "updated"],
    conditions: [],
    actions: [{ type: "escalate", raisePriority: true }],
  });
});

Deno.test("parseRule - a rule nested a thousand any-groups deep is refused, not a stack overflow", () => {
  let conditions: unknown = { type: "keywords", any: ["x"] };
  for (let i = 0; i < 1_000; i++) conditions = { type: "any", conditions: [conditions] };
  const rule = {
    name: "deep",
    conditions: [conditions],
    actions: [{ type: "add_tags", tags: ["x"] }],
  };
  assert.throws(
    () => parseRule(rule),
    (e) =>
      e instanceof DomainError && e.code === "invalid_rule" &&
      /nests deeper than 32/.test(e.message),
  );
});
