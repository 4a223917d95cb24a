import assert from "node:assert/strict";
import type { RoutingTicket } from "./routing_ticket.ts";
import { planRoute, respectPeople, type RuleActions, withAgent } from "./route_plan.ts";

const ticket: RoutingTicket = {
  tenant: "acme",
  ticketId: "101",
  number: 1,
  requesterId: "cust-1",
  status: "new",
  priority: "normal",
  tags: ["billing"],
  assigneeId: null,
  groupId: null,
  customFields: {},
  channel: "api",
  version: 7,
  createdAt: "2026-12-03T10:00:00.000Z",
  updatedAt: "2026-12-03T10:00:00.000Z",
  firstResponseAt: null,
  assignedAt: null,
  lastStaffReplyAt: null,
  solvedAt: null,
  subject: "App crashes",
  body: "打开大文件时崩溃了",
  lastActorRole: "customer",
};
const silent: RuleActions = { addTags: [], notify: [], fired: [] };

Deno.test("a rule's priority wins over the model's guess", () => {
  const plan = planRoute(ticket, { ...silent, priority: "urgent" }, { priority: "low" });
  assert.deepEqual(plan.changes, [{ type: "ChangePriority", to: "urgent" }]);
});

Deno.test("the model raises a default priority, never lowers one, and leaves a chosen one", () => {
  assert.deepEqual(planRoute(ticket, silent, { priority: "high" }).changes, [
    { type: "ChangePriority", to: "high" },
  ]);
  assert.deepEqual(planRoute(ticket, silent, { priority: "low" }).changes, []);
  const chosen = { ...ticket, priority: "low" as const };
  assert.deepEqual(planRoute(chosen, silent, { priority: "high" }).changes, []);
});

Deno.test("a rule's group wins over the model; an existing group wins over the model", () => {
  const byRule = planRoute(ticket, { ...silent, groupId: "tier2" }, { groupId: "cards" });
  assert.deepEqual(byRule.changes, [{ type: "AssignTicket", assigneeId: null, groupId: "tier2" }]);
  const grouped = { ...ticket, groupId: "billing" };
  assert.deepEqual(planRoute(grouped, silent, { groupId: "cards" }).changes, []);
  assert.equal(planRoute(grouped, silent, { groupId: "cards" }).needsAgent, true);
});

Deno.test("tags already on the ticket are not asked for again", () => {
  const plan = planRoute(ticket, { ...silent, addTags: ["billing", "crash"] }, {});
  assert.deepEqual(plan.changes, [{ type: "ChangeTags", add: ["crash"], remove: [] }]);
});

Deno.test("an assigned or solved ticket needs no agent", () => {
  assert.equal(planRoute({ ...ticket, assigneeId: "agent-1" }, silent, {}).needsAgent, false);
  assert.equal(planRoute({ ...ticket, status: "solved" }, silent, {}).needsAgent, false);
});

Deno.test("withAgent makes the group change and the agent one assignment", () => {
  const plan = withAgent(
    planRoute(ticket, { ...silent, groupId: "tier2" }, {}),
    "agent-9",
    "least load",
  );
  assert.deepEqual(plan.changes, [{
    type: "AssignTicket",
    assigneeId: "agent-9",
    groupId: "tier2",
  }]);
  assert.equal(plan.needsAgent, false);
});

Deno.test("respectPeople drops what a person just changed, and keeps the rest", () => {
  const asked: RuleActions = {
    ...silent,
    priority: "urgent",
    addTags: ["crash"],
    groupId: "tier2",
  };
  const kept = respectPeople(asked, new Set(["priority", "tags"]));
  assert.deepEqual([kept.priority, kept.addTags, kept.groupId], [undefined, [], "tier2"]);
});
