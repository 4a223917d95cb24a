import assert from "node:assert/strict";
import { audienceKey } from "./notification.ts";
import type { TicketAssignment } from "./notification_rules.ts";
import { changesQueueRow, queueAudiences } from "./queue_rules.ts";

const place = (over: Partial<TicketAssignment>): TicketAssignment => ({
  assigneeId: null,
  groupId: null,
  requesterId: "customer-1",
  status: "new",
  ...over,
});
const keys = (before: TicketAssignment | null, after: TicketAssignment | null, told?: string[]) =>
  queueAudiences(before, after, new Set(told)).map(audienceKey).sort();

Deno.test("queueAudiences - a new ticket with no group or assignee changes the ungrouped queue", () => {
  assert.deepEqual(keys(null, place({})), ["q:"]);
});

Deno.test("queueAudiences - taking a ticket of a group changes the group's queue; the taker hears assigned", () => {
  const before = place({ groupId: "billing" });
  const after = place({ groupId: "billing", assigneeId: "agent-7" });
  assert.deepEqual(keys(before, after, ["agent-7"]), ["q:billing"]);
  assert.deepEqual(keys(before, after), ["a:agent-7", "q:billing"]);
});

Deno.test("queueAudiences - solving takes the ticket out of its group's queue and its assignee's", () => {
  const before = place({ groupId: "billing", assigneeId: "agent-7", status: "open" });
  assert.deepEqual(keys(before, { ...before, status: "solved" }), ["a:agent-7", "q:billing"]);
});

Deno.test("queueAudiences - a move between groups changes both; the same place alone changes nothing", () => {
  assert.deepEqual(keys(place({ groupId: "a" }), place({ groupId: "b" })), ["q:a", "q:b"]);
  assert.deepEqual(keys(place({ groupId: "a" }), place({ groupId: "a", status: "pending" })), []);
});

Deno.test("queueAudiences - a status, custom status or priority change re-reads the queues it is in", () => {
  const before = place({ groupId: "a", assigneeId: "agent-7", status: "open" });
  const after = { ...before, status: "pending" as const };
  const changed = queueAudiences(before, after, new Set(), true).map(audienceKey).sort();
  assert.deepEqual(changed, ["a:agent-7", "q:a"]);
  const custom = {
    type: "TicketStatusChanged",
    data: { from: "pending", to: "pending", customStatusId: "9" },
  };
  const priority = { type: "TicketPriorityChanged", data: { priority: "high" } };
  const tags = { type: "TicketTagsChanged", data: { added: ["x"], removed: [] } };
  assert.equal(changesQueueRow([custom] as never), true);
  assert.equal(changesQueueRow([priority] as never), true);
  assert.equal(changesQueueRow([tags] as never), false, "tags are not shown in a queue row");
});

Deno.test("queueAudiences - unassigning an ungrouped ticket tells the old assignee and the ungrouped queue", () => {
  assert.deepEqual(keys(place({ assigneeId: "agent-7" }), place({})), ["a:agent-7", "q:"]);
});

Deno.test("queueAudiences - ids that cannot be subject tokens change no queue", () => {
  assert.deepEqual(keys(null, place({ groupId: "bad.group", assigneeId: "agent.*" })), []);
});
