/**
 * The agents API through `app.request()`, on a real PostgreSQL database and a real nats-server.
 * @module
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { startTestNats } from "../../../tests/support/nats.ts";
import { PresenceBoard } from "../presence/presence_board.ts";
import { openPresenceBucket } from "../presence/presence_bucket.ts";
import { AgentStore } from "../store/agents_store.ts";
import { agentsRoutes } from "./agents_routes.ts";
import { callRoutes, type TestCall as Call, withRoutingDatabase } from "./testing.ts";

interface Harness {
  call: Call;
  changed: string[];
  board: PresenceBoard;
}

async function withRoutes(fn: (h: Harness) => Promise<void>): Promise<void> {
  const nats = await startTestNats();
  const nc = await connect({ servers: nats.url });
  const board = new PresenceBoard(nc, await openPresenceBucket(nc, 30_000), { ttlMs: 30_000 });
  try {
    await board.start();
    await withRoutingDatabase(async (sql) => {
      const changed: string[] = [];
      const call = callRoutes(
        agentsRoutes({
          agents: new AgentStore(sql),
          presence: board,
          presenceTtlMs: 30_000,
          defaultCapacity: 4,
          body: { maxBytes: 16_384, timeoutMs: 5_000 },
          maxPageSize: 100,
          onAgentChanged: (tenant, agentId) => changed.push(`${tenant}/${agentId}`),
        }),
      );
      await fn({ call, changed, board });
    });
  } finally {
    await board.stop();
    await nc.close();
    await nats.stop();
  }
}

const alice = {
  displayName: "Alice Chen",
  skills: ["Billing", "billing", "refunds"],
  languages: ["en", "zh-cn"],
  groups: ["support"],
};

Deno.test("PUT /routing/agents/:id - a supervisor creates a profile, normalised, with the default capacity", async () => {
  await withRoutes(async ({ call, changed }) => {
    const created = await call("PUT", "/routing/agents/101", { body: alice });
    assert.equal(created.status, 201);
    assert.deepEqual(
      [created.json.skills, created.json.languages, created.json.capacity, created.json.active],
      [["billing", "refunds"], ["en", "zh-CN"], 4, true],
    );
    assert.equal(created.json.status, "offline");
    const replaced = await call("PUT", "/routing/agents/101", {
      as: "admin:1",
      body: { ...alice, capacity: 2, active: false },
    });
    assert.equal(replaced.status, 200);
    assert.deepEqual([replaced.json.capacity, replaced.json.active], [2, false]);
    assert.deepEqual(changed, ["acme/101", "acme/101"]);
  });
});

Deno.test("PUT /routing/agents/:id - agents and auditors may not change profiles", async () => {
  await withRoutes(async ({ call, changed }) => {
    for (const as of ["agent:101", "auditor:5", "customer:7"]) {
      const refused = await call("PUT", "/routing/agents/101", { as, body: alice });
      assert.equal(refused.status, 403, as);
      assert.equal(refused.json.code, "forbidden");
    }
    assert.deepEqual(changed, []);
  });
});

Deno.test("PUT /routing/agents/:id - a bad language, capacity, field or id is refused with its code", async () => {
  await withRoutes(async ({ call }) => {
    const bad = async (path: string, body: unknown) => {
      const { status, json } = await call("PUT", path, { body });
      return [status, json.code];
    };
    assert.deepEqual(await bad("/routing/agents/101", { ...alice, languages: ["en_US!"] }), [
      422,
      "invalid_request",
    ]);
    assert.deepEqual(await bad("/routing/agents/101", { ...alice, capacity: 0 }), [
      422,
      "invalid_request",
    ]);
    assert.deepEqual(await bad("/routing/agents/101", { ...alice, load: 3 }), [
      422,
      "invalid_request",
    ]);
    assert.deepEqual(await bad("/routing/agents/a%20b", alice), [400, "invalid_agent_id"]);
  });
});

Deno.test("GET /routing/agents - lists the tenant's profiles in pages, by group, with presence", async () => {
  await withRoutes(async ({ call, board }) => {
    for (const id of ["103", "101", "102"]) {
      await call("PUT", `/routing/agents/${id}`, { body: alice });
    }
    await call("PUT", "/routing/agents/104", { body: { ...alice, groups: ["sales"] } });
    await call("PUT", "/routing/agents/105", { as: "admin:1@globex", body: alice });
    await board.heartbeat("acme", "102", "away");
    const first = await call("GET", "/routing/agents?limit=2", { as: "agent:101" });
    const ids = (json: Record<string, unknown>) =>
      (json.agents as { agentId: string; status: string }[]).map((a) => `${a.agentId}:${a.status}`);
    assert.deepEqual([ids(first.json), first.json.next], [["101:offline", "102:away"], "102"]);
    const rest = await call("GET", "/routing/agents?after=102", { as: "auditor:5" });
    assert.deepEqual([ids(rest.json), rest.json.next], [["103:offline", "104:offline"], null]);
    const sales = await call("GET", "/routing/agents?group=sales");
    assert.deepEqual(ids(sales.json), ["104:offline"]);
  });
});

Deno.test("GET /routing/agents - customers may not list agents", async () => {
  await withRoutes(async ({ call }) => {
    const refused = await call("GET", "/routing/agents", { as: "customer:7" });
    assert.deepEqual([refused.status, refused.json.code], [403, "forbidden"]);
  });
});

Deno.test("GET /routing/agents/:id - another tenant's agent is not found", async () => {
  await withRoutes(async ({ call }) => {
    await call("PUT", "/routing/agents/101", { as: "admin:1@globex", body: alice });
    const missing = await call("GET", "/routing/agents/101");
    assert.deepEqual([missing.status, missing.json.code], [404, "agent_not_found"]);
    const found = await call("GET", "/routing/agents/101", { as: "agent:2@globex" });
    assert.deepEqual([found.status, found.json.displayName], [200, "Alice Chen"]);
  });
});

Deno.test("DELETE /routing/agents/:id - removes the profile once, then it is not found", async () => {
  await withRoutes(async ({ call, changed }) => {
    await call("PUT", "/routing/agents/101", { body: alice });
    const removed = await call("DELETE", "/routing/agents/101");
    assert.equal(removed.status, 204);
    const again = await call("DELETE", "/routing/agents/101");
    assert.deepEqual([again.status, again.json.code], [404, "agent_not_found"]);
    assert.deepEqual(changed, ["acme/101", "acme/101"]);
    const byAgent = await call("DELETE", "/routing/agents/101", { as: "agent:101" });
    assert.equal(byAgent.status, 403);
  });
});

Deno.test("PUT /routing/presence - an agent's heartbeat shows in GET /routing/presence until offline", async () => {
  await withRoutes(async ({ call }) => {
    const beat = await call("PUT", "/routing/presence", {
      as: "agent:101",
      body: { status: "online" },
    });
    assert.equal(beat.status, 200);
    assert.deepEqual([beat.json.agentId, beat.json.status, beat.json.heartbeatEveryMs], [
      "101",
      "online",
      10_000,
    ]);
    await call("PUT", "/routing/presence", { as: "supervisor:102", body: { status: "away" } });
    const present = await call("GET", "/routing/presence", { as: "agent:103" });
    const statuses = (json: Record<string, unknown>) =>
      (json.agents as { agentId: string; status: string }[]).map((a) => `${a.agentId}:${a.status}`);
    assert.deepEqual(statuses(present.json), ["101:online", "102:away"]);
    await call("PUT", "/routing/presence", { as: "agent:101", body: { status: "offline" } });
    const after = await call("GET", "/routing/presence", { as: "auditor:5" });
    assert.deepEqual(statuses(after.json), ["102:away"]);
    const elsewhere = await call("GET", "/routing/presence", { as: "agent:1@globex" });
    assert.deepEqual(statuses(elsewhere.json), []);
  });
});

Deno.test("PUT /routing/presence - customers, auditors and non-user clients have no presence", async () => {
  await withRoutes(async ({ call }) => {
    for (const as of ["customer:7", "auditor:5", "agent:svc:bot"]) {
      const refused = await call("PUT", "/routing/presence", { as, body: { status: "online" } });
      assert.deepEqual([refused.status, refused.json.code], [403, "forbidden"], as);
    }
    const bad = await call("PUT", "/routing/presence", {
      as: "agent:101",
      body: { status: "busy" },
    });
    assert.deepEqual([bad.status, bad.json.code], [422, "invalid_request"]);
  });
});
