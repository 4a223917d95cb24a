import {
  TICKET_STATUSES,
  type TicketEvent,
  type TicketStatus,
} from "@ticketd/shared/events/tickets.ts";
import assert from "node:assert/strict";
import { allowedTransitions } from "./transitions.ts";
import {
  admin,
  agent,
  auditor,
  createCommand,
  customer,
  given,
  history,
  policy,
  stranger,
  supervisor,
} from "./testing.ts";
import { decide } from "./decide.ts";
import type { TicketCommand } from "./commands.ts";
import { noTicket } from "./ticket.ts";

const at = (status: TicketStatus) =>
  status === "new" ? history() : history({
    type: "TicketStatusChanged",
    data: { from: "new", to: status },
  });

Deno.test("CreateTicket - records the ticket and its first message", () => {
  const events = decide(createCommand({ tags: ["VIP", "vip"] }), noTicket, customer, policy);
  assert.deepEqual(events.map((e) => e.type), ["TicketCreated", "MessagePosted"]);
  assert.deepEqual(events[0].type === "TicketCreated" && events[0].data.tags, ["vip"]);
});

Deno.test("CreateTicket - a second create on the same ticket is refused", () => {
  given(history()).when(createCommand()).thenFails("ticket_exists");
});

Deno.test("CreateTicket - a customer cannot open a ticket for someone else", () => {
  given([]).when(createCommand({ requesterId: "other" }), customer).thenFails("forbidden");
});

Deno.test("CreateTicket - a customer cannot assign on create", () => {
  given([]).when(createCommand({ assigneeId: "agent-1" }), customer).thenFails("forbidden");
});

Deno.test("CreateTicket - a customer cannot set an external id", () => {
  given([]).when(createCommand({ externalId: "jira:1" }), customer).thenFails("forbidden");
});

Deno.test("CreateTicket - only an admin may import a ticket in another status", () => {
  given([]).when(createCommand({ status: "solved" }), agent).thenFails("forbidden");
  const events = decide(createCommand({ status: "solved" }), noTicket, admin, policy);
  assert.equal(events[0].type === "TicketCreated" && events[0].data.status, "solved");
});

Deno.test("CreateTicket - custom fields are checked against the schema", () => {
  given([]).when(createCommand({ customFields: { order: 0 } })).thenFails("invalid_custom_field");
  given([]).when(createCommand({ customFields: { colour: "red" } })).thenFails(
    "invalid_custom_field",
  );
  given([]).when(createCommand({ customFields: { product: "toaster" } })).thenFails(
    "invalid_custom_field",
  );
});

Deno.test("CreateTicket - bad or too many tags are refused", () => {
  given([]).when(createCommand({ tags: ["<b>"] })).thenFails("invalid_tag");
  given([]).when(createCommand({ tags: ["a", "b", "c", "d", "e", "f"] })).thenFails(
    "too_many_tags",
  );
});

for (const from of TICKET_STATUSES) {
  for (const to of TICKET_STATUSES) {
    if (from === to) continue;
    const allowed = allowedTransitions[from].includes(to);
    Deno.test(`ChangeStatus - ${from} to ${to} is ${allowed ? "allowed" : "refused"}`, () => {
      const when = given(at(from)).when({ type: "ChangeStatus", to }, supervisor);
      if (allowed) when.then([{ type: "TicketStatusChanged", data: { from, to } }]);
      else when.thenFails("transition_not_allowed");
    });
  }
}

Deno.test("ChangeStatus - moving to the current status is a no-op", () => {
  given(at("open")).when({ type: "ChangeStatus", to: "open" }).then([]);
});

Deno.test("ChangeStatus - a solved ticket may be reopened, a closed one never", () => {
  given(at("solved")).when({ type: "ChangeStatus", to: "open" }).then([
    { type: "TicketStatusChanged", data: { from: "solved", to: "open" } },
  ]);
  given(at("closed")).when({ type: "ChangeStatus", to: "open" }).thenFails(
    "transition_not_allowed",
  );
});

Deno.test("ChangeStatus - customers cannot change status", () => {
  given(at("open")).when({ type: "ChangeStatus", to: "solved" }, customer).thenFails("forbidden");
});

Deno.test("PostMessage - a reply to a closed ticket is refused and points to a follow-up", () => {
  given(at("closed")).when({ type: "PostMessage", messageId: "9", body: "enc:x", internal: false })
    .thenFails("ticket_closed");
});

Deno.test("PostMessage - a customer reply reopens a solved or pending ticket", () => {
  for (const status of ["solved", "pending"] as const) {
    given(at(status)).when(
      { type: "PostMessage", messageId: "9", body: "enc:x", internal: false },
      customer,
    ).then([
      {
        type: "MessagePosted",
        data: {
          messageId: "9",
          authorId: customer.id,
          authorRole: "customer",
          internal: false,
          body: "enc:x",
        },
      },
      { type: "TicketStatusChanged", data: { from: status, to: "open" } },
    ]);
  }
});

Deno.test("PostMessage - an agent's first public reply opens a new ticket; a note does not", () => {
  const reply = decide(
    { type: "PostMessage", messageId: "9", body: "enc:x", internal: false },
    given(at("new")).state,
    agent,
    policy,
  );
  assert.deepEqual(reply.map((e) => e.type), ["MessagePosted", "TicketStatusChanged"]);
  const note = decide(
    { type: "PostMessage", messageId: "9", body: "enc:x", internal: true },
    given(at("new")).state,
    agent,
    policy,
  );
  assert.deepEqual(note.map((e) => e.type), ["MessagePosted"]);
});

Deno.test("PostMessage - customers cannot write internal notes", () => {
  given(at("open")).when(
    { type: "PostMessage", messageId: "9", body: "enc:x", internal: true },
    customer,
  ).thenFails("forbidden");
});

Deno.test("PostMessage - another customer's ticket does not exist for them", () => {
  given(at("open")).when(
    { type: "PostMessage", messageId: "9", body: "enc:x", internal: false },
    stranger,
  ).thenFails("ticket_not_found");
});

Deno.test("PostMessage - a ticket that was never created is not found", () => {
  given([]).when({ type: "PostMessage", messageId: "9", body: "enc:x", internal: false })
    .thenFails("ticket_not_found");
});

Deno.test("AssignTicket - assigns, and assigning the same again is a no-op", () => {
  const command = { type: "AssignTicket", assigneeId: "agent-7", groupId: "go" } as const;
  given(at("open")).when(command).then([
    { type: "TicketAssigned", data: { assigneeId: "agent-7", groupId: "go" } },
  ]);
  given([...at("open"), { type: "TicketAssigned", data: { assigneeId: "agent-7", groupId: "go" } }])
    .when(command).then([]);
});

Deno.test("AssignTicket - a closed ticket cannot be reassigned", () => {
  given(at("closed")).when({ type: "AssignTicket", assigneeId: "a", groupId: null }, supervisor)
    .thenFails("ticket_closed");
});

Deno.test("ChangeTags - adds and removes only what changes", () => {
  const tagged = [...at("open"), {
    type: "TicketTagsChanged" as const,
    data: { added: ["a", "b"], removed: [] },
  }];
  given(tagged).when({ type: "ChangeTags", add: ["b", "C"], remove: ["a", "zz"] }).then([
    { type: "TicketTagsChanged", data: { added: ["c"], removed: ["a"] } },
  ]);
  given(tagged).when({ type: "ChangeTags", add: ["a"], remove: [] }).then([]);
});

Deno.test("ChangeTags - a tag both added and removed is refused", () => {
  given(at("open")).when({ type: "ChangeTags", add: ["a"], remove: ["A"] }).thenFails(
    "invalid_tag",
  );
});

Deno.test("ChangeTags - the tag limit counts what the ticket already has", () => {
  const tagged = [...at("open"), {
    type: "TicketTagsChanged" as const,
    data: { added: ["a", "b", "c", "d"], removed: [] },
  }];
  given(tagged).when({ type: "ChangeTags", add: ["e", "f"], remove: [] }).thenFails(
    "too_many_tags",
  );
});

Deno.test("ChangePriority - changes the priority; the same priority is a no-op", () => {
  given(at("open")).when({ type: "ChangePriority", to: "urgent" }).then([
    { type: "TicketPriorityChanged", data: { from: "normal", to: "urgent" } },
  ]);
  given(at("open")).when({ type: "ChangePriority", to: "normal" }).then([]);
});

Deno.test("SetCustomFields - records only the fields that change, and checks them", () => {
  given(at("open")).when({ type: "SetCustomFields", fields: { order: 7, product: null } }).then([
    { type: "TicketFieldsChanged", data: { fields: { order: 7 } } },
  ]);
  given(at("open")).when({ type: "SetCustomFields", fields: { order: 1.5 } }).thenFails(
    "invalid_custom_field",
  );
});

Deno.test("agent commands - a customer cannot assign, tag, reprioritise or edit fields", () => {
  for (
    const command of [
      { type: "AssignTicket", assigneeId: "x", groupId: null },
      { type: "ChangeTags", add: ["x"], remove: [] },
      { type: "ChangePriority", to: "urgent" },
      { type: "SetCustomFields", fields: { order: 2 } },
    ] satisfies TicketCommand[]
  ) {
    given(at("open")).when(command, customer).thenFails("forbidden");
  }
});

const inGroup = (groupId: string, assigneeId: string | null = null): TicketEvent[] => [
  ...at("open"),
  { type: "TicketAssigned", data: { assigneeId, groupId } },
];
const reply = { type: "PostMessage", messageId: "9", body: "enc:x", internal: false } as const;

Deno.test("groups - a ticket of a group the agent is not in does not exist for them", () => {
  given(inGroup("db")).when(reply, agent).thenFails("ticket_not_found");
  given(inGroup("go")).when({ type: "ChangePriority", to: "high" }, agent).then([
    { type: "TicketPriorityChanged", data: { from: "normal", to: "high" } },
  ]);
});

Deno.test("groups - an agent sees a ticket of another group that is assigned to them", () => {
  given(inGroup("db", agent.id)).when({ type: "ChangePriority", to: "high" }, agent).then([
    { type: "TicketPriorityChanged", data: { from: "normal", to: "high" } },
  ]);
});

Deno.test("AssignTicket - an agent assigns within their groups, not to another group", () => {
  const to = (assigneeId: string | null, groupId: string | null) =>
    given(at("open")).when({ type: "AssignTicket", assigneeId, groupId }, agent);
  to(agent.id, null).then([
    { type: "TicketAssigned", data: { assigneeId: agent.id, groupId: null } },
  ]);
  to("agent-7", "go").then([{
    type: "TicketAssigned",
    data: { assigneeId: "agent-7", groupId: "go" },
  }]);
  to(agent.id, "db").thenFails("forbidden");
  to("agent-7", null).thenFails("forbidden");
  given(at("open")).when({ type: "AssignTicket", assigneeId: "x", groupId: "db" }, supervisor)
    .then([{ type: "TicketAssigned", data: { assigneeId: "x", groupId: "db" } }]);
});

Deno.test("CreateTicket - an agent cannot open a ticket into a group they are not in", () => {
  given([]).when(createCommand({ requesterId: "c", groupId: "db" }), agent).thenFails("forbidden");
  const events = decide(
    createCommand({ requesterId: "c", groupId: "go" }),
    noTicket,
    agent,
    policy,
  );
  assert.deepEqual(events.map((e) => e.type), ["TicketCreated", "MessagePosted"]);
});

Deno.test("ChangeStatus - only supervisors and admins close; a customer may reopen", () => {
  given(at("solved")).when({ type: "ChangeStatus", to: "closed" }, agent).thenFails("forbidden");
  given(at("solved")).when({ type: "ChangeStatus", to: "open" }, customer).then([
    { type: "TicketStatusChanged", data: { from: "solved", to: "open" } },
  ]);
});

Deno.test("auditors - may not change anything", () => {
  const commands: TicketCommand[] = [
    reply,
    { ...reply, internal: true },
    { type: "ChangeStatus", to: "solved" },
    { type: "AssignTicket", assigneeId: auditor.id, groupId: null },
    { type: "ChangeTags", add: ["x"], remove: [] },
    { type: "ChangePriority", to: "urgent" },
    { type: "SetCustomFields", fields: { order: 2 } },
    createCommand({ requesterId: auditor.id }),
  ];
  for (const command of commands) {
    given(command.type === "CreateTicket" ? [] : at("open")).when(command, auditor).thenFails(
      "forbidden",
    );
  }
});
