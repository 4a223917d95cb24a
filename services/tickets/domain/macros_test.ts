import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import { checkActions, fillPlaceholders, type MacroActions, macroChanges } from "./macros.ts";

const nothing: MacroActions = {
  text: null,
  status: null,
  customStatusId: null,
  priority: null,
  tags: { add: [], remove: [] },
  assignment: null,
};
const fails = (code: string) => (e: unknown) => e instanceof DomainError && e.code === code;
const values = {
  "ticket.number": "1042",
  "ticket.status": "new",
  "ticket.priority": "normal",
  "requester.id": "cust-1",
  "agent.id": "agent-1",
};

Deno.test("checkActions - text naming an unknown placeholder is refused with its name", () => {
  const macro = { ...nothing, text: { body: "Hi {{requester.name}}", internal: false } };
  assert.throws(
    () => checkActions(macro),
    (e) =>
      fails("unknown_placeholder")(e) && (e as DomainError).extra.placeholder === "requester.name",
  );
});

Deno.test("checkActions - a lone {{ or }} is refused as malformed; spaces inside the braces are fine", () => {
  const withText = (body: string) => ({ ...nothing, text: { body, internal: false } });
  for (const body of ["Ticket {{ticket.number", "Hi {{", "done }}", "{{ticket.{number}}"]) {
    assert.throws(() => checkActions(withText(body)), fails("malformed_placeholder"), body);
  }
  checkActions(withText("Ticket #{{ ticket.number }} and {single} braces"));
});

Deno.test("checkActions - tags no ticket accepts are refused at save by the ticket tag rule", () => {
  for (const tag of ["two words", "-dash-first", "x".repeat(65), ""]) {
    const add = { ...nothing, tags: { add: [tag], remove: [] } };
    const remove = { ...nothing, tags: { add: [], remove: [tag] } };
    assert.throws(() => checkActions(add), fails("invalid_tag"), tag);
    assert.throws(() => checkActions(remove), fails("invalid_tag"), tag);
  }
  checkActions({ ...nothing, tags: { add: ["VIP", "billing:eu"], remove: ["triage"] } });
});

Deno.test("checkActions - a macro that does nothing is refused", () => {
  assert.throws(() => checkActions(nothing), fails("empty_macro"));
  checkActions({ ...nothing, tags: { add: ["vip"], remove: [] } });
});

Deno.test("fillPlaceholders - fills every known placeholder, spaces inside the braces allowed", () => {
  assert.equal(
    fillPlaceholders("Ticket #{{ticket.number}} ({{ ticket.priority }}), {{agent.id}}", values),
    "Ticket #1042 (normal), agent-1",
  );
});

Deno.test("macroChanges - the text comes first, then status, tags, priority and assignment", () => {
  const changes = macroChanges(
    {
      ...nothing,
      priority: "high",
      tags: { add: ["waiting"], remove: ["new"] },
      assignment: { assigneeId: null, groupId: "billing" },
    },
    { body: "On it", internal: false },
    { to: "pending", customStatusId: "900" },
  );
  assert.deepEqual(changes, [
    { type: "PostMessage", body: "On it", internal: false },
    { type: "ChangeStatus", to: "pending", customStatusId: "900" },
    { type: "ChangeTags", add: ["waiting"], remove: ["new"] },
    { type: "ChangePriority", to: "high" },
    { type: "AssignTicket", assigneeId: null, groupId: "billing" },
  ]);
});

Deno.test("macroChanges - a canned reply is only its text", () => {
  assert.deepEqual(macroChanges(nothing, { body: "Thanks!", internal: false }, null), [
    { type: "PostMessage", body: "Thanks!", internal: false },
  ]);
});
