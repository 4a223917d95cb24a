/**
 * The rules API through `app.request()`, on a real PostgreSQL database.
 * @module
 */
import assert from "node:assert/strict";
import { ticket } from "../domain/rules/fixtures.ts";
import type { RoutingTicket } from "../domain/routing_ticket.ts";
import { RulesStore } from "../store/rules_store.ts";
import { rulesRoutes } from "./rules_routes.ts";
import { callRoutes, type TestCall as Call, withRoutingDatabase } from "./testing.ts";

const TICKETS: Record<string, RoutingTicket> = {
  "500": ticket({ ticketId: "500", subject: "App 闪退", groupId: "tier2" }),
};

async function withRoutes(fn: (call: Call, changed: [string, number][]) => Promise<void>) {
  await withRoutingDatabase(async (sql) => {
    let id = 2000;
    const changed: [string, number][] = [];
    const call = callRoutes(
      rulesRoutes({
        rules: new RulesStore(sql, { nextId: () => String(++id) }),
        ticketView: (tenant, ticketId) =>
          Promise.resolve(tenant === "acme" ? TICKETS[ticketId] : undefined),
        customFieldSchema: () => ({ plan: { type: "choice", options: ["free", "gold"] } }),
        timeZone: () => "Asia/Shanghai",
        now: () => Date.parse("2026-03-02T01:30:00Z"),
        limits: { maxBytes: 64 * 1024, timeoutMs: 2_000 },
        onRulesChanged: (tenant, version) => changed.push([tenant, version]),
      }),
    );
    await fn(call, changed);
  });
}

const crashRule = {
  name: "crash is urgent",
  conditions: [{ type: "keywords", any: ["崩溃", "闪退", "数据丢失", "crash"] }],
  actions: [{ type: "set_priority", priority: "urgent" }, {
    type: "notify",
    target: "group:tier2",
  }],
};

Deno.test("rules routes - create, read, update with If-Match, list with the set version", async () => {
  await withRoutes(async (call, changed) => {
    const created = await call("POST", "/routing/rules", { body: crashRule });
    assert.equal(created.status, 201);
    assert.equal(created.etag, '"1"');
    const id = created.json.id as string;
    assert.equal(
      (await call("GET", `/routing/rules/${id}`, { as: "agent:5" })).json.name,
      "crash is urgent",
    );
    const updated = await call("PUT", `/routing/rules/${id}`, {
      body: { ...crashRule, name: "crash" },
      ifMatch: '"1"',
    });
    assert.deepEqual([updated.status, updated.json.version, updated.etag], [200, 2, '"2"']);
    const list = await call("GET", "/routing/rules", { as: "agent:5" });
    assert.deepEqual([list.json.version, list.etag], [2, '"2"']);
    assert.deepEqual((list.json.rules as { name: string }[]).map((r) => r.name), ["crash"]);
    assert.deepEqual(changed, [["acme", 1], ["acme", 2]]);
  });
});

Deno.test("rules routes - a stale If-Match is 412, a missing one 428", async () => {
  await withRoutes(async (call) => {
    const id = (await call("POST", "/routing/rules", { body: crashRule })).json.id;
    await call("PUT", `/routing/rules/${id}`, { body: crashRule, ifMatch: '"1"' });
    const stale = await call("PUT", `/routing/rules/${id}`, { body: crashRule, ifMatch: '"1"' });
    assert.deepEqual([stale.status, stale.json.code, stale.json.currentVersion], [
      412,
      "version_conflict",
      2,
    ]);
    assert.equal((await call("PUT", `/routing/rules/${id}`, { body: crashRule })).status, 428);
  });
});

Deno.test("rules routes - bad rules are refused with their codes and the rule named", async () => {
  await withRoutes(async (call) => {
    const cases: [unknown, string][] = [
      [{
        name: "r",
        conditions: [{ type: "regex", pattern: "(a+)+$" }],
        actions: crashRule.actions,
      }, "unsafe_regex"],
      [
        { name: "r", conditions: [{ type: "regex", pattern: "([" }], actions: crashRule.actions },
        "invalid_regex",
      ],
      [{
        name: "r",
        conditions: [{ type: "field", field: "fields.region", op: "is_set" }],
        actions: crashRule.actions,
      }, "unknown_field"],
      [{ name: "r", actions: [{ type: "launch" }] }, "invalid_rule"],
    ];
    for (const [body, code] of cases) {
      const res = await call("POST", "/routing/rules", { body });
      assert.deepEqual([res.status, res.json.code, res.json.rule], [422, code, "r"]);
    }
    assert.equal((await call("GET", "/routing/rules")).json.version, 0);
  });
});

Deno.test("rules routes - a loop with a saved rule is refused naming the cycle", async () => {
  await withRoutes(async (call) => {
    await call("POST", "/routing/rules", {
      body: {
        name: "billing high",
        conditions: [{ type: "field", field: "groupId", op: "eq", value: "billing" }],
        actions: [{ type: "set_priority", priority: "high" }],
      },
    });
    const res = await call("POST", "/routing/rules", {
      body: {
        name: "high to billing",
        conditions: [{ type: "field", field: "priority", op: "eq", value: "high" }],
        actions: [{ type: "set_group", groupId: "billing" }],
      },
    });
    assert.equal(res.json.code, "rule_loop");
    assert.deepEqual(res.json.cycle, ["billing high", "high to billing", "billing high"]);
  });
});

Deno.test("rules routes - agents read, only supervisors and admins change, customers nothing", async () => {
  await withRoutes(async (call) => {
    const agent = await call("POST", "/routing/rules", { as: "agent:5", body: crashRule });
    assert.deepEqual([agent.status, agent.json.code], [403, "forbidden"]);
    assert.equal((await call("GET", "/routing/rules", { as: "customer:7" })).status, 403);
    assert.equal(
      (await call("POST", "/routing/rules", { as: "admin:1", body: crashRule })).status,
      201,
    );
  });
});

Deno.test("rules routes - reorder, delete and history", async () => {
  await withRoutes(async (call) => {
    const a = (await call("POST", "/routing/rules", { body: { ...crashRule, name: "a" } })).json
      .id as string;
    const b = (await call("POST", "/routing/rules", { body: { ...crashRule, name: "b" } })).json
      .id as string;
    const order = await call("PUT", "/routing/rules/order", {
      body: { ids: [b, a] },
      ifMatch: '"2"',
    });
    assert.deepEqual((order.json.rules as { name: string }[]).map((r) => r.name), ["b", "a"]);
    assert.equal((await call("DELETE", `/routing/rules/${a}`, { ifMatch: '"1"' })).status, 200);
    assert.equal((await call("GET", `/routing/rules/${a}`)).status, 404);
    const history = await call("GET", `/routing/rules/${a}/history`, { as: "agent:5" });
    assert.deepEqual((history.json.versions as { change: string }[]).map((v) => v.change), [
      "created",
      "deleted",
    ]);
    assert.equal((await call("GET", "/routing/rules", { as: "other:1@globex" })).status, 403);
    assert.deepEqual(
      (await call("GET", "/routing/rules", { as: "admin:1@globex" })).json.rules,
      [],
    );
  });
});

Deno.test("rules routes - dry run of the saved rules on a posted ticket says why they fired", async () => {
  await withRoutes(async (call) => {
    const id = (await call("POST", "/routing/rules", { body: crashRule })).json.id;
    const res = await call("POST", "/routing/rules/dry-run", {
      as: "agent:5",
      body: { ticket: { subject: "打开大文件时崩溃了", tags: ["VIP"] } },
    });
    assert.equal(res.status, 200);
    const [outcome] = res.json.rules as { ruleId: string; fired: boolean; reason: string }[];
    assert.deepEqual([outcome.ruleId, outcome.fired, outcome.reason], [
      id,
      true,
      'keyword "崩溃" in subject',
    ]);
    assert.deepEqual(res.json.actions, {
      priority: "urgent",
      addTags: [],
      notify: [{ target: "group:tier2", ruleId: id }],
    });
  });
});

Deno.test("rules routes - dry run of unsaved rules on a stored ticket, validated first", async () => {
  await withRoutes(async (call) => {
    const tryRules = {
      ticketId: "500",
      rules: [{ ...crashRule, when: ["updated"] }],
      trigger: "updated",
    };
    const res = await call("POST", "/routing/rules/dry-run", {
      as: "agent:5#tier2",
      body: tryRules,
    });
    assert.equal(res.status, 200);
    const [outcome] = res.json.rules as { ruleId: string; reason: string }[];
    assert.deepEqual([outcome.ruleId, outcome.reason], ["draft:1", 'keyword "闪退" in subject']);
    const unsafe = {
      ...tryRules,
      rules: [{ ...crashRule, conditions: [{ type: "regex", pattern: "(x|x)*" }] }],
    };
    assert.equal(
      (await call("POST", "/routing/rules/dry-run", { body: unsafe })).json.code,
      "unsafe_regex",
    );
    assert.equal((await call("GET", "/routing/rules")).json.version, 0);
  });
});

Deno.test("rules routes - dry run of a missing or unseen ticket is 404 ticket_not_found", async () => {
  await withRoutes(async (call) => {
    const missing = await call("POST", "/routing/rules/dry-run", { body: { ticketId: "404" } });
    assert.deepEqual([missing.status, missing.json.code], [404, "ticket_not_found"]);
    const otherGroup = await call("POST", "/routing/rules/dry-run", {
      as: "agent:5#tier1",
      body: { ticketId: "500" },
    });
    assert.equal(otherGroup.status, 404);
    const both = await call("POST", "/routing/rules/dry-run", {
      body: { ticketId: "500", ticket: {} },
    });
    assert.equal(both.json.code, "invalid_request");
  });
});
