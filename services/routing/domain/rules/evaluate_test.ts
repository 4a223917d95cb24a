import assert from "node:assert/strict";
import { evaluateRules, type EvaluationContext } from "./evaluate.ts";
import { rule, ticket } from "./fixtures.ts";

// Monday 2026-03-02 09:30 in Shanghai.
const context: EvaluationContext = {
  trigger: "created",
  now: Date.parse("2026-03-02T01:30:00Z"),
  timeZone: "Asia/Shanghai",
};

Deno.test("evaluateRules - explains a Chinese keyword found in the body", () => {
  const crash = rule({
    name: "crash",
    conditions: [{ type: "keywords", any: ["闪退", "崩溃"] }],
    actions: [{ type: "set_priority", priority: "high" }],
  }, "1");
  const result = evaluateRules(
    [crash],
    ticket({ subject: "求助", body: "打开大文件时崩溃了" }),
    context,
  );
  assert.equal(result.rules[0].fired, true);
  assert.equal(result.rules[0].reason, 'keyword "崩溃" in body');
  assert.deepEqual(result.actions, { priority: "high", addTags: [], notify: [] });
  assert.deepEqual(result.setBy, { priority: "1", tags: {} });
});

Deno.test("evaluateRules - a rule that does not fire names its first failing condition", () => {
  const vip = rule({
    name: "vip",
    conditions: [{ type: "field", field: "channel", op: "eq", value: "email" }, {
      type: "tags",
      op: "has",
      tags: ["vip"],
    }],
  });
  const outcome = evaluateRules([vip], ticket({ channel: "email" }), context).rules[0];
  assert.equal(outcome.fired, false);
  assert.equal(outcome.reason, 'lacks tag "vip"');
  assert.deepEqual(outcome.matched, ['channel eq "email": is "email"']);
});

Deno.test("evaluateRules - each rule sees the ticket as earlier rules changed it", () => {
  const first = rule({
    name: "tag",
    conditions: [{ type: "keywords", any: ["refund"] }],
    actions: [{ type: "add_tags", tags: ["billing"] }],
  }, "1");
  const second = rule({
    name: "route",
    conditions: [{ type: "tags", op: "has", tags: ["billing"] }],
    actions: [{ type: "set_group", groupId: "finance" }],
  }, "2");
  const result = evaluateRules([first, second], ticket({ subject: "Refund please" }), context);
  assert.deepEqual(result.rules.map((r) => r.fired), [true, true]);
  assert.deepEqual(result.actions, { addTags: ["billing"], groupId: "finance", notify: [] });
  assert.deepEqual(result.setBy, { groupId: "2", tags: { billing: "1" } });
});

Deno.test("evaluateRules - later rules override single values and say which rule set each", () => {
  const rules = [
    rule({
      name: "a",
      actions: [{ type: "set_priority", priority: "high" }, { type: "assign", agentId: "5" }],
    }, "1"),
    rule({
      name: "b",
      actions: [{ type: "set_priority", priority: "low" }, {
        type: "notify",
        target: "group:tier2",
      }],
    }, "2"),
  ];
  const result = evaluateRules(rules, ticket(), context);
  assert.deepEqual(result.actions, {
    priority: "low",
    assigneeId: "5",
    addTags: [],
    notify: [{ target: "group:tier2", ruleId: "2" }],
  });
  assert.deepEqual(result.setBy, { priority: "2", assigneeId: "1", tags: {} });
});

Deno.test("evaluateRules - an action that changes nothing is left out of the merged actions", () => {
  const rules = [
    rule({
      name: "same",
      actions: [{ type: "set_priority", priority: "normal" }, { type: "add_tags", tags: ["old"] }],
    }),
  ];
  const result = evaluateRules(rules, ticket({ tags: ["old"] }), context);
  assert.deepEqual(result.actions, { addTags: [], notify: [] });
});

Deno.test("evaluateRules - time_of_day and weekday are read in the tenant's zone", () => {
  const office = rule({
    name: "office",
    conditions: [{ type: "time_of_day", from: "09:00", to: "18:00" }, {
      type: "weekday",
      days: ["mon", "tue"],
    }],
  });
  const inShanghai = evaluateRules([office], ticket(), context).rules[0];
  assert.equal(inShanghai.fired, true);
  assert.equal(
    inShanghai.reason,
    "local time 09:30 (Asia/Shanghai) is within 09:00-18:00; local weekday mon (Asia/Shanghai) is one of mon, tue",
  );
  const inUtc = evaluateRules([office], ticket(), { ...context, timeZone: "UTC" }).rules[0];
  assert.equal(inUtc.reason, "local time 01:30 (UTC) is outside 09:00-18:00");
});

Deno.test("evaluateRules - a time window may wrap midnight", () => {
  const night = rule({
    name: "night",
    conditions: [{ type: "time_of_day", from: "22:00", to: "06:00" }],
  });
  assert.equal(
    evaluateRules([night], ticket(), { ...context, timeZone: "UTC" }).rules[0].fired,
    true,
  );
  assert.equal(evaluateRules([night], ticket(), context).rules[0].fired, false);
});

Deno.test("evaluateRules - only rules for the trigger run, and disabled rules never", () => {
  const sla = rule({
    name: "sla",
    when: ["sla_breached"],
    actions: [{ type: "escalate", groupId: "leads" }],
  });
  const off = rule({ name: "off", enabled: false });
  const created = evaluateRules([sla, off], ticket(), context);
  assert.deepEqual(created.rules.map((r) => r.reason), [
    "not run on created (runs on sla_breached)",
    "disabled",
  ]);
  const breached = evaluateRules([sla], ticket({ priority: "high" }), {
    ...context,
    trigger: "sla_breached",
  });
  assert.deepEqual(breached.actions, {
    priority: "urgent",
    groupId: "leads",
    addTags: [],
    notify: [],
  });
});

Deno.test("evaluateRules - escalate raises one step and stops at urgent", () => {
  const up = rule({ name: "up", actions: [{ type: "escalate" }] });
  assert.equal(
    evaluateRules([up], ticket({ priority: "low" }), context).actions.priority,
    "normal",
  );
  assert.equal(
    evaluateRules([up], ticket({ priority: "urgent" }), context).actions.priority,
    undefined,
  );
});

Deno.test("evaluateRules - any groups explain the condition that held", () => {
  const either = rule({
    name: "either",
    conditions: [{
      type: "any",
      conditions: [{ type: "field", field: "fields.plan", op: "eq", value: "gold" }, {
        type: "regex",
        pattern: "order #\\d+",
        flags: "i",
      }],
    }],
  });
  const outcome =
    evaluateRules([either], ticket({ subject: "ORDER #123 missing" }), context).rules[0];
  assert.equal(outcome.reason, 'any of: regex /order #\\d+/ matched "ORDER #123" in subject');
  const none = evaluateRules([either], ticket(), context).rules[0];
  assert.match(
    none.reason,
    /^none of: fields.plan eq "gold": is null; regex .* matched nothing in subject or body$/,
  );
});

Deno.test("evaluateRules - regular expressions see only the capped text", () => {
  const tail = rule({
    name: "tail",
    conditions: [{ type: "regex", pattern: "needle", in: ["body"] }],
  });
  const long = ticket({ body: "x".repeat(3_000) + "needle" });
  assert.equal(evaluateRules([tail], long, context).rules[0].fired, true);
  assert.equal(
    evaluateRules([tail], long, { ...context, regexTextLimit: 2_000 }).rules[0].fired,
    false,
  );
});

Deno.test("evaluateRules - priority compares by rank, custom numbers by value", () => {
  const big = rule({
    name: "big",
    conditions: [{ type: "field", field: "priority", op: "gte", value: "high" }, {
      type: "field",
      field: "fields.seats",
      op: "gt",
      value: 10,
    }],
  });
  assert.equal(
    evaluateRules([big], ticket({ priority: "urgent", customFields: { seats: 11 } }), context)
      .rules[0].fired,
    true,
  );
  assert.equal(
    evaluateRules([big], ticket({ priority: "normal", customFields: { seats: 11 } }), context)
      .rules[0].fired,
    false,
  );
  assert.equal(
    evaluateRules([big], ticket({ priority: "high", customFields: { seats: 10 } }), context)
      .rules[0].fired,
    false,
  );
});
