import assert from "node:assert/strict";
import postgres from "postgres";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { createTestDatabase } from "../../../tests/support/database.ts";
import type { AgentProfile } from "../domain/assignment.ts";
import { AgentStore } from "./agents_store.ts";

/** Runs `fn` on a fresh, migrated database, dropped afterwards. */
async function withAgentStore(
  fn: (store: AgentStore, sql: postgres.Sql) => Promise<void>,
): Promise<void> {
  const db = await createTestDatabase();
  const sql = postgres(db.url, { max: 2, transform: postgres.camel, onnotice: () => {} });
  try {
    await migrate(sql, "routing", new URL("../migrations/", import.meta.url));
    await fn(new AgentStore(sql), sql);
  } finally {
    await sql.end();
    await db.drop();
  }
}

function profile(agentId: string, overrides: Partial<AgentProfile> = {}): AgentProfile {
  return {
    tenant: "acme",
    agentId,
    displayName: `Agent ${agentId}`,
    skills: ["billing"],
    languages: ["en", "zh-CN"],
    groups: ["support"],
    capacity: 3,
    active: true,
    ...overrides,
  };
}

Deno.test("AgentStore - a put profile is found again exactly as stored", async () => {
  await withAgentStore(async (store) => {
    const { agent, created } = await store.put(profile("101"));
    assert.equal(created, true);
    const found = await store.find("acme", "101");
    assert.ok(found);
    const { createdAt, updatedAt, ...rest } = found;
    assert.deepEqual(rest, profile("101"));
    assert.ok(createdAt instanceof Date && updatedAt instanceof Date);
    assert.deepEqual(found, agent);
  });
});

Deno.test("AgentStore - a second put replaces the profile and says it was not created", async () => {
  await withAgentStore(async (store) => {
    await store.put(profile("101"));
    const { agent, created } = await store.put(
      profile("101", { skills: [], groups: ["sales"], capacity: 1, active: false }),
    );
    assert.equal(created, false);
    assert.deepEqual([agent.skills, agent.groups, agent.capacity, agent.active], [
      [],
      ["sales"],
      1,
      false,
    ]);
    assert.ok(agent.updatedAt >= agent.createdAt);
  });
});

Deno.test("AgentStore - another tenant's agent is not found, listed or removed", async () => {
  await withAgentStore(async (store) => {
    await store.put(profile("101", { tenant: "globex" }));
    assert.equal(await store.find("acme", "101"), null);
    assert.deepEqual(await store.list("acme", { limit: 10 }), []);
    assert.equal(await store.remove("acme", "101"), false);
    assert.ok(await store.find("globex", "101"));
  });
});

Deno.test("AgentStore - list pages in id order and filters by group", async () => {
  await withAgentStore(async (store) => {
    for (const id of ["agent-c", "agent-a", "agent-b"]) await store.put(profile(id));
    await store.put(profile("agent-bb", { groups: ["sales"] }));
    const ids = async (page: Parameters<AgentStore["list"]>[1]) =>
      (await store.list("acme", page)).map((a) => a.agentId);
    assert.deepEqual(await ids({ limit: 2 }), ["agent-a", "agent-b"]);
    assert.deepEqual(await ids({ limit: 10, after: "agent-b" }), ["agent-bb", "agent-c"]);
    assert.deepEqual(await ids({ limit: 10, group: "support" }), ["agent-a", "agent-b", "agent-c"]);
  });
});

Deno.test("AgentStore - active returns only active agents, of a group when asked", async () => {
  await withAgentStore(async (store) => {
    await store.put(profile("1"));
    await store.put(profile("2", { active: false }));
    await store.put(profile("3", { groups: ["sales", "support"] }));
    await store.put(profile("4", { groups: ["sales"] }));
    const ids = async (group: string | null) =>
      (await store.active("acme", group)).map((a) => a.agentId);
    assert.deepEqual(await ids(null), ["1", "3", "4"]);
    assert.deepEqual(await ids("support"), ["1", "3"]);
  });
});

Deno.test("AgentStore - remove deletes the profile once", async () => {
  await withAgentStore(async (store) => {
    await store.put(profile("101"));
    assert.equal(await store.remove("acme", "101"), true);
    assert.equal(await store.remove("acme", "101"), false);
    assert.equal(await store.find("acme", "101"), null);
  });
});

Deno.test("AgentStore - the table refuses a capacity below one", async () => {
  await withAgentStore(async (store) => {
    await assert.rejects(store.put(profile("101", { capacity: 0 })), /check constraint/);
  });
});
