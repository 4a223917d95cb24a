/**
 * Rule, agent and SLA changes in routing become ACTIVITY facts after they are made, against the
 * real routing and tickets services on a private nats-server and PostgreSQL.
 * @module
 */
import assert from "node:assert/strict";
import { ACTIVITY_STREAM } from "@ticketd/shared/events/activity.ts";
import { recordedActivity } from "@ticketd/shared/activity/testing.ts";
import { agentA, supervisorA, withHarness } from "./support/tickets_harness.ts";
import { startRouting } from "./support/routing_harness.ts";

const rule = {
  name: "crashes go to tier2",
  conditions: [{ type: "keywords", any: ["crash"] }],
  actions: [{ type: "set_group", groupId: "tier2" }],
};

Deno.test("routing - saving, reordering and deleting rules are recorded with the rule's id", () =>
  withHarness(async (h) => {
    const r = await startRouting(h);
    try {
      const saved = await r.call(supervisorA, "POST", "/v1/routing/rules", rule);
      assert.equal(saved.status, 201);
      const { id } = await saved.json();
      const order = await r.call(supervisorA, "PUT", "/v1/routing/rules/order", { ids: [id] });
      assert.equal(order.status, 200);
      await order.body?.cancel();
      const deleted = await r.call(supervisorA, "DELETE", `/v1/routing/rules/${id}`);
      assert.equal(deleted.status, 200);
      await deleted.body?.cancel();
      const facts = (await recordedActivity(h.jsm)).filter((f) => f.action.startsWith("routing."));
      assert.deepEqual(facts.map((f) => [f.action, f.target.type, f.target.id]), [
        ["routing.rule.saved", "rule", id],
        ["routing.rules.reordered", "tenant", "acme"],
        ["routing.rule.deleted", "rule", id],
      ]);
      assert.deepEqual(facts[0].actor, { id: "super-a", role: "supervisor" });
      assert.deepEqual(facts[0].changes, { name: true, conditions: true, actions: true });
      assert.deepEqual(facts[1].changes, { ids: [id] });
    } finally {
      await r.stop();
    }
  }));

Deno.test("routing - an agent's profile change keeps skills and capacity, not the display name", () =>
  withHarness(async (h) => {
    const r = await startRouting(h);
    try {
      const put = await r.call(supervisorA, "PUT", "/v1/routing/agents/agent-7", {
        displayName: "Dana Person",
        skills: ["billing"],
        languages: ["de"],
        groups: ["tier2"],
        capacity: 4,
      });
      assert.equal(put.status, 201);
      await put.body?.cancel();
      const [fact] = await recordedActivity(h.jsm, "routing.agent.saved");
      assert.deepEqual(fact.target, { type: "agent", id: "agent-7" });
      assert.deepEqual(fact.changes, {
        displayName: true,
        skills: ["billing"],
        languages: ["de"],
        groups: ["tier2"],
        capacity: 4,
      });
    } finally {
      await r.stop();
    }
  }));

Deno.test("routing - an SLA change refused to an agent is recorded as denied", () =>
  withHarness(async (h) => {
    const r = await startRouting(h);
    try {
      const put = await r.call(agentA, "PUT", "/v1/routing/sla/policies", { policies: {} });
      assert.equal(put.status, 403);
      await put.body?.cancel();
      const [fact] = await recordedActivity(h.jsm, "routing.sla_policies.changed");
      assert.equal(fact.outcome, "denied");
      assert.deepEqual(fact.actor, { id: "agent-a", role: "agent" });
    } finally {
      await r.stop();
    }
  }));

Deno.test("routing - a change that cannot be recorded is answered 503 activity_unavailable, applied", () =>
  withHarness(async (h) => {
    const r = await startRouting(h, {
      TICKETD_ACTIVITY_ACK_TIMEOUT_MS: "200",
      TICKETD_ACTIVITY_PUBLISH_ATTEMPTS: "2",
    });
    try {
      await h.jsm.streams.delete(ACTIVITY_STREAM);
      const saved = await r.call(supervisorA, "POST", "/v1/routing/rules", rule);
      const body = await saved.json();
      assert.deepEqual([saved.status, body.code, body.applied], [
        503,
        "activity_unavailable",
        true,
      ]);
      const list = await (await r.call(supervisorA, "GET", "/v1/routing/rules")).json();
      assert.equal(list.rules.length, 1, "act, then record: the rule is saved");
    } finally {
      await r.stop();
    }
  }));
