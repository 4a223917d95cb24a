import assert from "node:assert/strict";
import { assignmentNeed } from "./assignment_need.ts";
import type { RoutingTicket } from "./routing_ticket.ts";

const base = {
  tags: [] as string[],
  customFields: {},
  subject: "Login fails",
  body: "It spins.",
} as unknown as RoutingTicket;

Deno.test("skill: tags become required skills", () => {
  const need = assignmentNeed({ ...base, tags: ["vip", "skill:sql", "skill:linux"] }, "tier2");
  assert.deepEqual(need, { groupId: "tier2", skills: ["sql", "linux"], language: null });
});

Deno.test("Chinese text asks for a zh speaker unless the ticket declares its language", () => {
  assert.equal(assignmentNeed({ ...base, body: "打开大文件时崩溃了" }, null).language, "zh");
  const declared = { ...base, body: "崩溃", customFields: { language: "ja" } };
  assert.equal(assignmentNeed(declared, null).language, "ja");
});
