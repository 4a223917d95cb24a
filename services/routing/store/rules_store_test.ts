import assert from "node:assert/strict";
import postgres from "postgres";
import { DomainError } from "@ticketd/shared/errors.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { createTestDatabase } from "../../../tests/support/database.ts";
import { parseRule, type RuleBody } from "../domain/rules/rule_schema.ts";
import { type RuleChange, RulesStore } from "./rules_store.ts";

/** Runs `fn` on a fresh, migrated database, dropped afterwards. */
async function withRulesStore(
  fn: (store: RulesStore, sql: postgres.Sql) => Promise<void>,
  limits?: { maxRules: number; maxConditions: number; maxPatternLength: number },
): Promise<void> {
  const db = await createTestDatabase();
  const sql = postgres(db.url, { max: 3, transform: postgres.camel, onnotice: () => {} });
  let id = 1000;
  try {
    await migrate(sql, "routing", new URL("../migrations/", import.meta.url));
    await fn(new RulesStore(sql, { nextId: () => String(++id), limits }), sql);
  } finally {
    await sql.end();
    await db.drop();
  }
}

const change: RuleChange = {
  tenant: "acme",
  actorId: "9",
  customFields: { plan: { type: "text" } },
};

function body(name: string, extra: Record<string, unknown> = {}): RuleBody {
  return parseRule({ name, actions: [{ type: "add_tags", tags: ["t"] }], ...extra });
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof DomainError, `expected a DomainError, got ${error}`);
  return error;
}

Deno.test("RulesStore - created rules list in order with the set version", async () => {
  await withRulesStore(async (store) => {
    assert.deepEqual(await store.list("acme"), { version: 0, rules: [] });
    const a = await store.create(
      change,
      body("a", { conditions: [{ type: "keywords", any: ["崩溃"] }] }),
    );
    const b = await store.create(change, body("b"));
    assert.deepEqual([a.setVersion, b.setVersion], [1, 2]);
    assert.equal(a.rule.version, 1);
    const set = await store.list("acme");
    assert.equal(set.version, 2);
    assert.deepEqual(set.rules.map((r) => [r.id, r.name, r.position]), [["1001", "a", 0], [
      "1002",
      "b",
      1,
    ]]);
    assert.deepEqual(set.rules[0].conditions, [{
      type: "keywords",
      any: ["崩溃"],
      in: ["subject", "body"],
    }]);
    assert.deepEqual(await store.list("other"), { version: 0, rules: [] });
  });
});

Deno.test("RulesStore - update bumps the rule version and keeps every old body in history", async () => {
  await withRulesStore(async (store) => {
    const { rule } = await store.create(change, body("a"));
    const updated = await store.update(change, rule.id, body("a2", { enabled: false }), 1);
    assert.equal(updated.rule.version, 2);
    assert.equal(updated.rule.name, "a2");
    assert.equal(updated.setVersion, 2);
    await store.delete(change, rule.id, 2);
    const history = await store.history("acme", rule.id);
    assert.deepEqual(
      history.map((h) => [h.version, h.change, h.body.name, h.setVersion, h.actorId]),
      [
        [1, "created", "a", 1, "9"],
        [2, "updated", "a2", 2, "9"],
        [3, "deleted", "a2", 3, "9"],
      ],
    );
    assert.equal(await store.get("acme", rule.id), null);
  });
});

Deno.test("RulesStore - a stale expected version is 412 version_conflict and changes nothing", async () => {
  await withRulesStore(async (store) => {
    const { rule } = await store.create(change, body("a"));
    await store.update(change, rule.id, body("a2"), 1);
    const error = await refusal(store.update(change, rule.id, body("a3"), 1));
    assert.equal(error.code, "version_conflict");
    assert.equal(error.status, 412);
    assert.equal(error.extra.currentVersion, 2);
    assert.equal((await store.delete(change, rule.id, 1).catch((e) => e)).code, "version_conflict");
    assert.equal((await store.get("acme", rule.id))?.name, "a2");
    assert.equal((await store.list("acme")).version, 2);
  });
});

Deno.test("RulesStore - a save that would make the set loop is refused and nothing is written", async () => {
  await withRulesStore(async (store) => {
    await store.create(
      change,
      body("A", {
        conditions: [{ type: "field", field: "groupId", op: "eq", value: "g" }],
        actions: [{ type: "set_priority", priority: "high" }],
      }),
    );
    const error = await refusal(store.create(
      change,
      body("B", {
        conditions: [{ type: "field", field: "priority", op: "eq", value: "high" }],
        actions: [{ type: "set_group", groupId: "g" }],
      }),
    ));
    assert.equal(error.code, "rule_loop");
    const set = await store.list("acme");
    assert.deepEqual([set.version, set.rules.length], [1, 1]);
  });
});

Deno.test("RulesStore - every save validates against the tenant's custom fields and limits", async () => {
  await withRulesStore(async (store) => {
    const unknown = body("u", {
      conditions: [{ type: "field", field: "fields.region", op: "is_set" }],
    });
    assert.equal((await refusal(store.create(change, unknown))).code, "unknown_field");
    await store.create(change, body("a"));
    await store.create(change, body("b"));
    assert.equal((await refusal(store.create(change, body("c")))).code, "too_many_rules");
  }, { maxRules: 2, maxConditions: 5, maxPatternLength: 100 });
});

Deno.test("RulesStore - reorder puts rules in the given order and bumps only the set version", async () => {
  await withRulesStore(async (store) => {
    const a = (await store.create(change, body("a"))).rule;
    const b = (await store.create(change, body("b"))).rule;
    const c = (await store.create(change, body("c"))).rule;
    const set = await store.reorder(change, [c.id, a.id, b.id], 3);
    assert.equal(set.version, 4);
    assert.deepEqual(set.rules.map((r) => [r.name, r.version]), [["c", 1], ["a", 1], ["b", 1]]);
    assert.equal((await refusal(store.reorder(change, [a.id, b.id]))).code, "invalid_order");
    assert.equal((await refusal(store.reorder(change, [a.id, a.id, b.id]))).code, "invalid_order");
    assert.equal(
      (await refusal(store.reorder(change, [a.id, b.id, c.id], 3))).code,
      "version_conflict",
    );
  });
});

Deno.test("RulesStore - concurrent creates each see the other: versions and positions never repeat", async () => {
  await withRulesStore(async (store) => {
    const saved = await Promise.all(["a", "b", "c", "d"].map((n) => store.create(change, body(n))));
    assert.deepEqual(saved.map((s) => s.setVersion).sort(), [1, 2, 3, 4]);
    const set = await store.list("acme");
    assert.deepEqual(set.rules.map((r) => r.position), [0, 1, 2, 3]);
  });
});

Deno.test("RulesStore - a rule of another tenant is not found", async () => {
  await withRulesStore(async (store) => {
    const { rule } = await store.create(change, body("a"));
    const other = { ...change, tenant: "globex" };
    assert.equal(
      (await refusal(store.update(other, rule.id, body("x"), 1))).code,
      "rule_not_found",
    );
    assert.equal((await refusal(store.history("globex", rule.id))).status, 404);
    assert.equal(await store.get("globex", rule.id), null);
  });
});
