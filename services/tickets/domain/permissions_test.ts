import assert from "node:assert/strict";
import type { TicketEvent } from "@ticketd/shared/events/tickets.ts";
import { DomainError } from "@ticketd/shared/errors.ts";
import {
  authorise,
  canSee,
  changeAction,
  createActions,
  historyShows,
  maySetExternalId,
  ticketScope,
} from "./permissions.ts";
import { admin, agent, auditor, createCommand, customer, supervisor } from "./testing.ts";

Deno.test("authorise - a refusal is 403 forbidden naming the role and the action", () => {
  assert.throws(
    () => authorise(agent, "close"),
    (e) =>
      e instanceof DomainError && e.status === 403 && e.code === "forbidden" &&
      e.message === "Agents may not close tickets" && e.extra.action === "close",
  );
  authorise(supervisor, "close");
});

Deno.test("canSee - agents see no group, their groups and what is assigned to them", () => {
  const ticket = (groupId: string | null, assigneeId: string | null = null) => ({
    requesterId: "c",
    groupId,
    assigneeId,
  });
  assert.deepEqual(
    [ticket(null), ticket("go"), ticket("db"), ticket("db", agent.id)].map((t) => canSee(agent, t)),
    [true, true, false, true],
  );
  assert.equal(canSee(customer, ticket(null)), false);
  assert.equal(canSee(customer, { ...ticket("db"), requesterId: customer.id }), true);
  assert.equal(canSee(auditor, ticket("db")), true);
});

Deno.test("ticketScope - the list filter matches each role's scope", () => {
  assert.deepEqual(ticketScope(customer), { kind: "own", requesterId: customer.id });
  assert.deepEqual(ticketScope(agent), { kind: "groups", groups: ["go"], assigneeId: agent.id });
  assert.deepEqual(ticketScope(admin), { kind: "tenant" });
});

Deno.test("changeAction - status moves: closing, reopening and the rest", () => {
  const to = (status: "closed" | "open" | "pending", from: "solved" | "on_hold") =>
    changeAction({ type: "ChangeStatus", to: status }, from, agent);
  assert.equal(to("closed", "solved"), "close");
  assert.equal(to("open", "solved"), "reopen");
  assert.equal(to("open", "on_hold"), "change_status");
  assert.equal(to("pending", "solved"), "change_status");
});

Deno.test("changeAction - assignments: self, within a group, anywhere", () => {
  const assign = (assigneeId: string | null, groupId: string | null) =>
    changeAction({ type: "AssignTicket", assigneeId, groupId }, "open", agent);
  assert.equal(assign(agent.id, null), "assign_self");
  assert.equal(assign(null, "go"), "assign_self");
  assert.equal(assign("mate", "go"), "assign_in_group");
  assert.equal(assign("mate", null), "assign_any");
  assert.equal(assign(agent.id, "db"), "assign_any");
});

Deno.test("createActions - every field that needs more than creating is named", () => {
  assert.deepEqual(createActions(customer, createCommand()), ["create"]);
  assert.deepEqual(
    createActions(agent, createCommand({ status: "solved", externalId: "x", groupId: "db" })),
    ["create", "create_for_others", "import", "set_external_id", "assign_any"],
  );
});

Deno.test("createActions - a customer names an external id only through a relaying channel", () => {
  const mail = createCommand({ requesterId: customer.id, externalId: "email:abc" });
  assert.deepEqual(createActions(customer, mail), ["create", "set_external_id"]);
  assert.deepEqual(createActions({ ...customer, relayedBy: "svc:email" }, mail), ["create"]);
  assert.equal(maySetExternalId(customer), false);
  assert.equal(maySetExternalId({ ...customer, relayedBy: "svc:email" }), true);
});

Deno.test("historyShows - customers get the conversation, not notes or workflow", () => {
  const note: TicketEvent = {
    type: "MessagePosted",
    data: { messageId: "1", authorId: "a", authorRole: "agent", internal: true, body: "enc:x" },
  };
  const tags: TicketEvent = { type: "TicketTagsChanged", data: { added: ["a"], removed: [] } };
  const status: TicketEvent = { type: "TicketStatusChanged", data: { from: "new", to: "open" } };
  assert.deepEqual([note, tags, status].map((e) => historyShows(customer, e)), [
    false,
    false,
    true,
  ]);
  assert.deepEqual([note, tags, status].map((e) => historyShows(auditor, e)), [true, true, true]);
});
