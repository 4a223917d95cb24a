import assert from "node:assert/strict";
import { mailKey, plannedMails } from "./mail_plan.ts";
import { commitOf, created, posted, solved } from "./testing.ts";

const ALL = { created: true, solved: true };

Deno.test("plannedMails - an agent's public reply is mailed under the message's own id", () => {
  const commit = commitOf([posted("777", { id: "agent-1", role: "agent" })]);
  assert.deepEqual(plannedMails(commit, 12, ALL), [
    { kind: "reply", seq: 12, index: 0, eventId: "777" },
  ]);
});

Deno.test("plannedMails - internal notes, customer messages and services' posts are not mailed", () => {
  const commit = commitOf([
    posted("1", { id: "agent-1", role: "agent", internal: true }),
    posted("2", { id: "email:alice@example.com", role: "customer" }),
    posted("3", { id: "svc:email", role: "supervisor" }),
  ]);
  assert.deepEqual(plannedMails(commit, 3, ALL), []);
});

Deno.test("plannedMails - created and solved notices follow the tenant's policy", () => {
  const opened = commitOf([created()]);
  const done = commitOf([posted("8", { id: "agent-1", role: "agent" }), solved()]);
  assert.deepEqual(plannedMails(opened, 1, ALL).map((m) => m.kind), ["created"]);
  assert.deepEqual(plannedMails(done, 5, ALL).map((m) => [m.kind, m.eventId]), [
    ["reply", "8"],
    ["solved", "9001-1"],
  ]);
  assert.deepEqual(plannedMails(opened, 1, { created: false, solved: false }), []);
});

Deno.test("plannedMails - a custom status change within solved is not mailed as another solve", () => {
  const within = commitOf([{
    type: "TicketStatusChanged",
    data: { from: "solved", to: "solved", customStatusId: "900" },
  }]);
  assert.deepEqual(plannedMails(within, 7, ALL), []);
});

Deno.test("mailKey - the same event position always names the same mail", () => {
  const [mail] = plannedMails(commitOf([solved()]), 40, ALL);
  assert.equal(mailKey("acme", "4242", mail), "acme.4242.40.0");
  assert.equal(
    mailKey("acme", "4242", plannedMails(commitOf([solved()]), 40, ALL)[0]),
    mailKey("acme", "4242", mail),
  );
});
