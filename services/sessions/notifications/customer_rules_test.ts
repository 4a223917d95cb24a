import assert from "node:assert/strict";
import { commitNotifications } from "./notification_rules.ts";
import { commitOf, posted, SECRET_TEXT } from "./testing.ts";

const theirs = {
  assigneeId: "agent-7",
  groupId: null,
  requesterId: "customer-1",
  status: "open" as const,
};
const toCustomer = (events: Parameters<typeof commitOf>[1], actorId = "agent-7") =>
  commitNotifications(commitOf("42", events, { actorId, actorRole: "agent" }), 20, theirs)
    .notifications.filter((n) => n.customerId !== undefined);

Deno.test("customer rules - an agent's public reply tells the requester, with no author and no text", () => {
  const [n, ...rest] = toCustomer([posted("90", "agent-7", "agent")]);
  assert.deepEqual(rest, []);
  assert.deepEqual([n.kind, n.customerId, n.ticketId, n.data], [
    "reply",
    "customer-1",
    "42",
    { messageId: "90" },
  ]);
  assert.equal(JSON.stringify(n).includes(SECRET_TEXT), false);
});

Deno.test("customer rules - an internal note tells the requester nothing", () => {
  assert.deepEqual(toCustomer([posted("91", "agent-7", "agent", true)]), []);
});

Deno.test("customer rules - the requester's own reply and status change tell them nothing", () => {
  const own = [posted("92", "customer-1", "customer"), {
    type: "TicketStatusChanged" as const,
    data: { from: "solved" as const, to: "open" as const },
  }];
  assert.deepEqual(toCustomer(own, "customer-1"), []);
});

Deno.test("customer rules - a status change by support tells the requester the new status", () => {
  const [n] = toCustomer([{ type: "TicketStatusChanged", data: { from: "open", to: "solved" } }]);
  assert.deepEqual([n.kind, n.data], ["status", { status: "solved" }]);
});
