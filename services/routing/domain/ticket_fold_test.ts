import assert from "node:assert/strict";
import type { TicketCommit, TicketEvent } from "@ticketd/shared/events/tickets.ts";
import { foldCommit, type TrackedTicket } from "./ticket_fold.ts";

const created: TicketEvent = {
  type: "TicketCreated",
  data: {
    ticketId: "101",
    number: 1,
    requesterId: "cust-1",
    subject: "enc:subject",
    status: "new",
    priority: "normal",
    tags: ["billing"],
    assigneeId: null,
    groupId: null,
    customFields: { channel: "email" },
    followUpOf: null,
    externalId: null,
  },
};
const firstMessage: TicketEvent = {
  type: "MessagePosted",
  data: {
    messageId: "102",
    authorId: "cust-1",
    authorRole: "customer",
    internal: false,
    body: "enc:body",
  },
};

function commit(at: string, events: TicketEvent[], actor = "cust-1"): TicketCommit {
  const role = actor.startsWith("agent") ? "agent" : "customer";
  return {
    meta: { commandId: "1", tenant: "acme", ticketId: "101", at, actorId: actor, actorRole: role },
    events,
  };
}

function fold(...commits: TicketCommit[]): TrackedTicket {
  let ticket: TrackedTicket | undefined;
  commits.forEach((c, i) => ticket = foldCommit(ticket, c, i + 1));
  return ticket!;
}

Deno.test("a created ticket keeps its sealed subject and first message, and its channel", () => {
  const ticket = fold(commit("2026-12-03T10:00:00.000Z", [created, firstMessage]));
  assert.equal(ticket.sealedSubject, "enc:subject");
  assert.equal(ticket.sealedBody, "enc:body");
  assert.equal(ticket.channel, "email");
  assert.equal(ticket.version, 1);
  assert.equal(ticket.createdAt, "2026-12-03T10:00:00.000Z");
});

Deno.test("the first staff public reply sets firstResponseAt; internal notes do not", () => {
  const note: TicketEvent = {
    type: "MessagePosted",
    data: { ...firstMessage.data, authorId: "agent-1", authorRole: "agent", internal: true },
  } as TicketEvent;
  const reply: TicketEvent = {
    type: "MessagePosted",
    data: { ...firstMessage.data, authorId: "agent-1", authorRole: "agent", internal: false },
  } as TicketEvent;
  const ticket = fold(
    commit("2026-12-03T10:00:00.000Z", [created, firstMessage]),
    commit("2026-12-03T10:05:00.000Z", [note], "agent-1"),
    commit("2026-12-03T10:09:00.000Z", [reply], "agent-1"),
  );
  assert.equal(ticket.firstResponseAt, "2026-12-03T10:09:00.000Z");
  assert.equal(ticket.lastActorId, "agent-1");
});

Deno.test("assignment records when the assignee changed; tags and fields follow their events", () => {
  const ticket = fold(
    commit("2026-12-03T10:00:00.000Z", [created, firstMessage]),
    commit("2026-12-03T10:01:00.000Z", [
      { type: "TicketAssigned", data: { assigneeId: "agent-1", groupId: "tier1" } },
      { type: "TicketTagsChanged", data: { added: ["vip"], removed: ["billing"] } },
      { type: "TicketFieldsChanged", data: { fields: { channel: null, plan: "gold" } } },
    ]),
  );
  assert.equal(ticket.assignedAt, "2026-12-03T10:01:00.000Z");
  assert.deepEqual(ticket.tags, ["vip"]);
  assert.deepEqual(ticket.customFields, { plan: "gold" });
  assert.equal(ticket.channel, "api");
});

Deno.test("a closed or erased ticket keeps no sealed text", () => {
  const solved = fold(
    commit("2026-12-03T10:00:00.000Z", [created, firstMessage]),
    commit("2026-12-03T11:00:00.000Z", [{
      type: "TicketStatusChanged",
      data: { from: "new", to: "solved" },
    }]),
  );
  assert.equal(solved.solvedAt, "2026-12-03T11:00:00.000Z");
  assert.equal(solved.sealedBody, "enc:body");
  const closed = foldCommit(
    solved,
    commit("2026-12-04T11:00:00.000Z", [{
      type: "TicketStatusChanged",
      data: { from: "solved", to: "closed" },
    }]),
    3,
  )!;
  assert.equal(closed.sealedBody, null);
  assert.equal(closed.sealedSubject, null);
  const erased = foldCommit(
    solved,
    commit("2026-12-04T11:00:00.000Z", [{
      type: "TicketContentErased",
      data: { erasureId: "9" },
    }]),
    3,
  )!;
  assert.equal(erased.erased, true);
  assert.equal(erased.sealedSubject, null);
});

Deno.test("a change to a ticket whose creation was never seen is ignored", () => {
  const result = foldCommit(undefined, commit("2026-12-03T10:00:00.000Z", [firstMessage]), 5);
  assert.equal(result, undefined);
});
