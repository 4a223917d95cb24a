import assert from "node:assert/strict";
import {
  type AgentProfile,
  type AssignmentCandidate,
  type AssignmentNeed,
  compareIds,
  pickAgent,
  unattendedTickets,
} from "./assignment.ts";
import type { RoutingTicket } from "./routing_ticket.ts";

function agent(agentId: string, overrides: Partial<AgentProfile> = {}): AgentProfile {
  return {
    tenant: "acme",
    agentId,
    displayName: `Agent ${agentId}`,
    skills: ["billing"],
    languages: ["en"],
    groups: ["support"],
    capacity: 5,
    active: true,
    ...overrides,
  };
}

function candidate(
  agentId: string,
  overrides: Partial<Omit<AssignmentCandidate, "agent">> = {},
  profile: Partial<AgentProfile> = {},
): AssignmentCandidate {
  return {
    agent: agent(agentId, profile),
    status: "online",
    load: 0,
    lastAssignedAt: 1_000,
    ...overrides,
  };
}

const need: AssignmentNeed = { groupId: "support", skills: ["billing"], language: null };

function picked(n: AssignmentNeed, candidates: AssignmentCandidate[]): string | null {
  return pickAgent(n, candidates)?.agentId ?? null;
}

Deno.test("pickAgent - nobody to pick from gives null", () => {
  assert.equal(pickAgent(need, []), null);
});

Deno.test("pickAgent - away and offline agents are never picked", () => {
  const candidates = [candidate("1", { status: "away" }), candidate("2", { status: "offline" })];
  assert.equal(picked(need, candidates), null);
  assert.equal(picked(need, [...candidates, candidate("3")]), "3");
});

Deno.test("pickAgent - an inactive agent is never picked", () => {
  assert.equal(picked(need, [candidate("1", {}, { active: false })]), null);
});

Deno.test("pickAgent - an agent outside the ticket's group is not picked", () => {
  const outsider = candidate("1", {}, { groups: ["sales"] });
  assert.equal(picked(need, [outsider]), null);
  assert.equal(picked(need, [outsider, candidate("2")]), "2");
});

Deno.test("pickAgent - a ticket without a group may go to an agent of any group", () => {
  const outsider = candidate("1", {}, { groups: ["sales"] });
  assert.equal(picked({ ...need, groupId: null }, [outsider]), "1");
});

Deno.test("pickAgent - an agent at capacity is not picked", () => {
  const full = candidate("1", { load: 2 }, { capacity: 2 });
  assert.equal(picked(need, [full]), null);
  assert.equal(picked(need, [full, candidate("2", { load: 4 })]), "2");
});

Deno.test("pickAgent - every required skill is needed, compared without case", () => {
  const billingOnly = candidate("1");
  const both = candidate("2", {}, { skills: ["billing", "refunds"] });
  const wanted = { ...need, skills: ["Billing", "REFUNDS"] };
  assert.equal(picked(wanted, [billingOnly]), null);
  assert.equal(picked(wanted, [billingOnly, both]), "2");
});

Deno.test("pickAgent - an exact language match beats a primary subtag match", () => {
  const chinese = candidate("1", { load: 0 }, { languages: ["zh"] });
  const mainland = candidate("2", { load: 3 }, { languages: ["en", "zh-CN"] });
  const choice = pickAgent({ ...need, language: "zh-cn" }, [chinese, mainland]);
  assert.equal(choice?.agentId, "2");
  assert.match(choice!.why, /speaks zh-cn, agent 1 does only a variant/);
});

Deno.test("pickAgent - a primary subtag match (zh-CN for zh) beats no match at all", () => {
  const english = candidate("1", { load: 0 }, { languages: ["en"] });
  const chinese = candidate("2", { load: 4 }, { languages: ["zh"] });
  const choice = pickAgent({ ...need, language: "zh-CN" }, [english, chinese]);
  assert.equal(choice?.agentId, "2");
  assert.match(choice!.why, /speaks a variant of zh-CN, agent 1 does not/);
});

Deno.test("pickAgent - language only ranks: nobody speaking it still gets the ticket assigned", () => {
  assert.equal(picked({ ...need, language: "ja" }, [candidate("1")]), "1");
});

Deno.test("pickAgent - among equal languages the least loaded relative to capacity wins", () => {
  const busySmall = candidate("1", { load: 2 }, { capacity: 4 }); // 50 %
  const busyLarge = candidate("2", { load: 3 }, { capacity: 10 }); // 30 %
  const choice = pickAgent(need, [busySmall, busyLarge]);
  assert.equal(choice?.agentId, "2");
  assert.match(choice!.why, /least loaded, agent 1 is at 2\/4/);
});

Deno.test("pickAgent - equal relative load goes to who waited longest since an assignment", () => {
  const recent = candidate("1", { load: 1, lastAssignedAt: 5_000 }, { capacity: 3 });
  const earlier = candidate("2", { load: 2, lastAssignedAt: 2_000 }, { capacity: 6 });
  const choice = pickAgent(need, [recent, earlier]);
  assert.equal(choice?.agentId, "2");
  assert.match(choice!.why, /waited longest/);
});

Deno.test("pickAgent - an agent never assigned has waited longer than anyone", () => {
  const assigned = candidate("1", { lastAssignedAt: 1 });
  const never = candidate("2", { lastAssignedAt: null });
  assert.equal(picked(need, [assigned, never]), "2");
  assert.equal(picked(need, [never, assigned]), "2");
});

Deno.test("pickAgent - a full tie goes to the smallest id, by numeric value", () => {
  const choice = pickAgent(need, [candidate("10"), candidate("9"), candidate("11")]);
  assert.equal(choice?.agentId, "9");
  assert.match(choice!.why, /smaller id/);
});

Deno.test("pickAgent - the choice does not depend on the order of the candidates", () => {
  const candidates = [
    candidate("4", { load: 1 }),
    candidate("3", { load: 1, lastAssignedAt: 500 }),
    candidate("2", { load: 2 }),
    candidate("1", { load: 1, lastAssignedAt: 500 }),
  ];
  const orders = [candidates, [...candidates].reverse(), [2, 0, 3, 1].map((i) => candidates[i])];
  assert.deepEqual(orders.map((order) => picked(need, order)), ["1", "1", "1"]);
});

Deno.test("pickAgent - a lone fitting agent is explained as the only one", () => {
  const choice = pickAgent(need, [candidate("7", { load: 1 }), candidate("8", { status: "away" })]);
  assert.deepEqual(choice, {
    agentId: "7",
    why: "agent 7 fits (online, load 1/5); the only agent who does",
  });
});

Deno.test("compareIds - decimal ids compare by value, others by code units", () => {
  assert.ok(compareIds("9", "10") < 0);
  assert.ok(compareIds("123", "124") < 0);
  assert.equal(compareIds("42", "42"), 0);
  assert.ok(compareIds("b", "a") > 0);
});

function ticket(overrides: Partial<RoutingTicket>): RoutingTicket {
  return {
    tenant: "acme",
    ticketId: "100",
    number: 1,
    requesterId: "900",
    status: "open",
    priority: "normal",
    tags: [],
    assigneeId: "7",
    groupId: "support",
    customFields: {},
    channel: "api",
    version: 3,
    createdAt: "2026-01-05T09:00:00.000Z",
    updatedAt: "2026-01-05T09:10:00.000Z",
    firstResponseAt: null,
    assignedAt: "2026-01-05T09:05:00.000Z",
    lastStaffReplyAt: null,
    solvedAt: null,
    subject: "",
    body: "",
    lastActorRole: "agent",
    ...overrides,
  };
}

function unattendedIds(tickets: RoutingTicket[]): string[] {
  return unattendedTickets("7", tickets).map((t) => t.ticketId);
}

Deno.test("unattendedTickets - an assigned open ticket with no staff reply is unattended", () => {
  assert.deepEqual(
    unattendedIds([ticket({ ticketId: "1" }), ticket({ ticketId: "2", status: "new" })]),
    [
      "1",
      "2",
    ],
  );
});

Deno.test("unattendedTickets - a staff reply after the assignment keeps the ticket", () => {
  const replied = ticket({ lastStaffReplyAt: "2026-01-05T09:06:00Z" });
  const sameInstant = ticket({ lastStaffReplyAt: "2026-01-05T09:05:00Z" });
  assert.deepEqual(unattendedIds([replied, sameInstant]), []);
});

Deno.test("unattendedTickets - a staff reply from before the assignment does not count", () => {
  const earlier = ticket({ lastStaffReplyAt: "2026-01-05T09:01:00.000Z" });
  assert.deepEqual(unattendedIds([earlier]), ["100"]);
});

Deno.test("unattendedTickets - pending, on-hold and solved tickets stay with their agent", () => {
  const parked = (["pending", "on_hold", "solved", "closed"] as const).map((status) =>
    ticket({ status })
  );
  assert.deepEqual(unattendedIds(parked), []);
});

Deno.test("unattendedTickets - other agents' and unassigned tickets are not returned", () => {
  const others = [ticket({ assigneeId: "8" }), ticket({ assigneeId: null, assignedAt: null })];
  assert.deepEqual(unattendedIds(others), []);
});
