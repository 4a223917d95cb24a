import assert from "node:assert/strict";
import {
  commitNotifications,
  presenceNotification,
  slaNotification,
} from "./notification_rules.ts";
import { alarm, assigned, commitOf, created, posted, SECRET_TEXT } from "./testing.ts";

const unknown = { requesterId: null, status: null };
const agent7 = { assigneeId: "agent-7", groupId: "billing", ...unknown };

Deno.test("commitNotifications - an assignment notifies the new assignee", () => {
  const commit = commitOf("42", [assigned("agent-7", "billing")], { actorId: "sup-1" });
  const { notifications, after } = commitNotifications(commit, 9, null);
  assert.equal(notifications.length, 1);
  const [n] = notifications;
  assert.deepEqual(
    { agentId: n.agentId, kind: n.kind, ticketId: n.ticketId, sourceSeq: n.sourceSeq, at: n.at },
    { agentId: "agent-7", kind: "assigned", ticketId: "42", sourceSeq: 9, at: commit.meta.at },
  );
  assert.deepEqual(n.data, { groupId: "billing", by: "sup-1" });
  assert.deepEqual(after, agent7);
});

Deno.test("commitNotifications - a ticket created assigned notifies assigned, not its opening message", () => {
  const { notifications } = commitNotifications(commitOf("42", created("42", "agent-7")), 3, null);
  assert.deepEqual(notifications.map((n) => [n.kind, n.agentId]), [["assigned", "agent-7"]]);
});

Deno.test("commitNotifications - a customer's reply notifies the assignee, without its body", () => {
  const commit = commitOf("42", [posted("77", "customer-1", "customer")]);
  const { notifications } = commitNotifications(commit, 10, agent7);
  assert.equal(notifications.length, 1);
  assert.equal(notifications[0].kind, "reply");
  assert.equal(notifications[0].agentId, "agent-7");
  assert.deepEqual(notifications[0].data, {
    messageId: "77",
    authorId: "customer-1",
    authorRole: "customer",
    internal: false,
  });
  assert.equal(JSON.stringify(notifications).includes(SECRET_TEXT), false);
});

Deno.test("commitNotifications - another agent's internal note notifies the assignee", () => {
  const commit = commitOf("42", [posted("78", "agent-9", "agent", true)], { actorId: "agent-9" });
  const { notifications } = commitNotifications(commit, 11, agent7);
  assert.deepEqual(notifications.map((n) => [n.kind, n.data.internal]), [["reply", true]]);
});

Deno.test("commitNotifications - the assignee's own message notifies nobody", () => {
  const commit = commitOf("42", [posted("79", "agent-7", "agent")], { actorId: "agent-7" });
  assert.deepEqual(commitNotifications(commit, 12, agent7).notifications, []);
});

Deno.test("commitNotifications - a reply on an unassigned or unknown ticket notifies nobody", () => {
  const commit = commitOf("42", [posted("80", "customer-1", "customer")]);
  const unassigned = { assigneeId: null, groupId: "billing", ...unknown };
  assert.deepEqual(commitNotifications(commit, 13, unassigned).notifications, []);
  assert.deepEqual(commitNotifications(commit, 13, null).notifications, []);
});

Deno.test("commitNotifications - an assignee id that cannot be a subject token notifies nobody", () => {
  const commit = commitOf("42", [assigned("agent.*", null)]);
  assert.deepEqual(commitNotifications(commit, 14, null).notifications, []);
});

Deno.test("commitNotifications - ids differ per source event and repeat for the same one", () => {
  const commit = commitOf("42", [assigned("agent-7"), posted("81", "customer-1", "customer")]);
  const first = commitNotifications(commit, 15, null).notifications.map((n) => n.id);
  const again = commitNotifications(commit, 15, null).notifications.map((n) => n.id);
  assert.equal(first.length, 2);
  assert.notEqual(first[0], first[1]);
  assert.deepEqual(again, first);
  assert.match(first[0], /^[0-9]{1,19}$/);
});

Deno.test("slaNotification - a warning goes to the assignee, a breach of an unassigned ticket to its group", () => {
  const at = "2025-03-01T11:00:00.000Z";
  const warning = slaNotification(alarm("SlaWarningIssued", "42"), 4, at, agent7)!;
  assert.deepEqual([warning.kind, warning.agentId, warning.groupId], [
    "sla_warning",
    "agent-7",
    undefined,
  ]);
  const unassigned = { assigneeId: null, groupId: "billing", ...unknown };
  const breach = slaNotification(alarm("SlaBreached", "42"), 5, at, unassigned)!;
  assert.deepEqual([breach.kind, breach.agentId, breach.groupId], [
    "sla_breached",
    undefined,
    "billing",
  ]);
  assert.deepEqual(breach.data, {
    target: "first_response",
    dueAt: "2025-03-01T12:00:00.000Z",
    policyPriority: "normal",
  });
});

Deno.test("slaNotification - the same alarm stored twice has one id", () => {
  const at = "2025-03-01T11:00:00.000Z";
  const a = slaNotification(alarm("SlaBreached", "42"), 5, at, agent7)!;
  const b = slaNotification(alarm("SlaBreached", "42"), 6, at, agent7)!;
  assert.equal(a.id, b.id);
});

Deno.test("slaNotification - an alarm on a ticket with neither assignee nor group notifies nobody", () => {
  const none = { assigneeId: null, groupId: null, ...unknown };
  assert.equal(
    slaNotification(alarm("SlaBreached", "42"), 5, "2025-03-01T11:00:00.000Z", none),
    null,
  );
});

Deno.test("presenceNotification - a change goes to the team, naming whose presence it is", () => {
  const n = presenceNotification({
    tenant: "acme",
    agentId: "agent-7",
    status: "away",
    at: "2025-03-01T11:00:00.000Z",
  });
  assert.equal(n.team, true);
  assert.equal(n.agentId, undefined);
  assert.deepEqual(n.data, { presenceOf: "agent-7", status: "away" });
});
