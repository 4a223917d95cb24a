/**
 * The permission matrix of `services/tickets/domain/permissions.ts`, cell by cell, through the HTTP
 * API on real NATS and PostgreSQL; and docs/permissions.md checked against the same tables.
 * @module
 */
import assert from "node:assert/strict";
import {
  decodeCommit,
  encodeCommit,
  type Role,
  ROLES,
  type TicketStatus,
} from "@ticketd/shared/events/tickets.ts";
import {
  type Action,
  ACTIONS,
  canSee,
  changeAction,
  MATRIX_ROLES,
  PERMISSIONS,
  type TicketKind,
  VISIBILITY_EXAMPLES,
} from "../services/tickets/domain/permissions.ts";
import type { Actor, TicketCommand } from "../services/tickets/domain/commands.ts";
import { permissionTables } from "../services/tickets/tools/permissions_doc.ts";
import {
  adminA,
  adminB,
  type Caller,
  createTicket,
  type Harness,
  projected,
  ticketBody,
  withHarness,
} from "./support/tickets_harness.ts";

/** One caller per role, all in group "go": groups must widen nothing but an agent's view. */
const callers = Object.fromEntries(
  MATRIX_ROLES.map((role) => [role, { sub: `m-${role}`, role, tenant: "acme", groups: ["go"] }]),
) as Record<Role, Caller>;
const actorOf = (who: Caller): Actor => ({ id: who.sub, role: who.role, groups: who.groups ?? [] });
const NOTE_WORD = "zebranote";

type Outcome = "allowed" | "denied";

/** A write: the request, and for a change the status of the fresh ticket it runs on. */
interface Write {
  on?: TicketStatus;
  method: string;
  route: string;
  body: (who: Caller) => Record<string, unknown>;
  /** For writes that are not about one ticket. */
  path?: (who: Caller) => string;
}

const create = (body: (who: Caller) => Record<string, unknown>): Write => ({
  method: "POST",
  route: "",
  body,
});
const change = (on: TicketStatus, method: string, route: string, body: Write["body"]): Write => ({
  on,
  method,
  route,
  body,
});

const WRITES: Partial<Record<Action, Write>> = {
  create: create(() => ticketBody()),
  create_for_others: create(() => ticketBody({ requesterId: "someone-else" })),
  import: create(() => ticketBody({ status: "solved", createdAt: "2021-09-30T17:20:00Z" })),
  set_external_id: create((who) => ticketBody({ externalId: `crm:${who.role}` })),
  reply: change("open", "POST", "messages", () => ({ body: "A reply" })),
  write_note: change("open", "POST", "messages", () => ({ body: "A note", internal: true })),
  reopen: change("solved", "POST", "status", () => ({ status: "open" })),
  change_status: change("open", "POST", "status", () => ({ status: "pending" })),
  close: change("solved", "POST", "status", () => ({ status: "closed" })),
  change_priority: change("open", "PUT", "priority", () => ({ priority: "urgent" })),
  change_tags: change("open", "POST", "tags", () => ({ add: ["matrix"] })),
  change_fields: change("open", "PATCH", "fields", () => ({ fields: { order_id: 7 } })),
  assign_self: change(
    "open",
    "PUT",
    "assignment",
    (who) => ({ assigneeId: who.sub, groupId: null }),
  ),
  assign_in_group: change(
    "open",
    "PUT",
    "assignment",
    () => ({ assigneeId: "mate", groupId: "go" }),
  ),
  assign_any: change("open", "PUT", "assignment", () => ({ assigneeId: "other", groupId: "db" })),
  erase_customer: {
    method: "POST",
    route: "",
    path: (who) => `/v1/customers/gone-${who.role}/erasure`,
    body: () => ({}),
  },
  manage_statuses: {
    method: "POST",
    route: "",
    path: () => "/v1/statuses",
    body: (who) => ({ category: "pending", names: { en: `Matrix ${who.role}` } }),
  },
  log_time: change("open", "POST", "time", () => ({ minutes: 5 })),
  use_macros: {
    method: "POST",
    route: "",
    path: () => "/v1/macros",
    body: (who) => ({ name: `Mine ${who.role}`, priority: "low" }),
  },
  manage_macros: {
    method: "POST",
    route: "",
    path: () => "/v1/macros",
    body: (who) => ({ scope: "tenant", name: `Shared ${who.role}`, priority: "low" }),
  },
};

/** The command a change request becomes, to check each probe exercises the action it names. */
function commandOf(write: Write, who: Caller): Exclude<TicketCommand, { type: "CreateTicket" }> {
  const body = write.body(who) as Record<string, never>;
  switch (write.route) {
    case "messages":
      return { type: "PostMessage", messageId: "1", body: "b", internal: body.internal ?? false };
    case "status":
      return { type: "ChangeStatus", to: body.status };
    case "priority":
      return { type: "ChangePriority", to: body.priority };
    case "tags":
      return { type: "ChangeTags", add: body.add, remove: [] };
    case "fields":
      return { type: "SetCustomFields", fields: body.fields };
    case "time":
      return { type: "LogTime", entryId: "1", seconds: body.minutes * 60, note: null };
    default:
      return { type: "AssignTicket", assigneeId: body.assigneeId, groupId: body.groupId };
  }
}

async function runWrite(h: Harness, who: Caller, action: Action, write: Write): Promise<Outcome> {
  let path = write.path?.(who) ?? "/v1/tickets";
  if (write.on) {
    assert.equal(changeAction(commandOf(write, who), write.on, actorOf(who)), action);
    const fixture = await createTicket(h, adminA, {
      requesterId: callers.customer.sub,
      groupId: "go",
      status: write.on,
    });
    path = `/v1/tickets/${fixture.id}/${write.route}`;
  }
  const response = await h.call(who, write.method, path, write.body(who));
  const json = await response.json();
  if (response.ok) return "allowed";
  assert.deepEqual([response.status, json.code], [403, "forbidden"], JSON.stringify(json));
  return "denied";
}

/** A two-ticket write on two open tickets of the customer in group "go". */
async function runPairWrite(
  h: Harness,
  who: Caller,
  request: (other: string) => [string, unknown],
): Promise<Outcome> {
  const fixture = { requesterId: callers.customer.sub, groupId: "go", status: "open" };
  const [one, other] = [
    await createTicket(h, adminA, fixture),
    await createTicket(h, adminA, fixture),
  ];
  const [route, body] = request(other.id);
  const response = await h.call(who, "POST", `/v1/tickets/${one.id}/${route}`, body);
  const json = await response.json();
  if (response.ok) return "allowed";
  assert.deepEqual([response.status, json.code], [403, "forbidden"], JSON.stringify(json));
  return "denied";
}

/** A ticket with an internal note and every kind of workflow change, for the read cells. */
async function readFixture(h: Harness): Promise<{ id: string; version: number }> {
  const { id } = await createTicket(h, adminA, { requesterId: callers.customer.sub });
  const steps: [string, string, unknown][] = [
    ["POST", "messages", { body: `Internal: ${NOTE_WORD}`, internal: true }],
    ["POST", "tags", { add: ["vip"] }],
    ["PUT", "priority", { priority: "high" }],
    ["PATCH", "fields", { fields: { order_id: 3 } }],
    ["PUT", "assignment", { assigneeId: null, groupId: "go" }],
  ];
  let version = 0;
  for (const [method, route, body] of steps) {
    const response = await h.call(adminA, method, `/v1/tickets/${id}/${route}`, body);
    assert.equal(response.status, 200, route);
    version = (await response.json()).version;
  }
  await projected(h, version);
  return { id, version };
}

/** 200 -> the answer; 403 forbidden -> null; anything else fails the cell. */
async function readJson(h: Harness, who: Caller, path: string) {
  const response = await h.call(who, "GET", path);
  const json = await response.json();
  if (response.status === 200) return json;
  assert.deepEqual([response.status, json.code], [403, "forbidden"], JSON.stringify(json));
  return null;
}

const WORKFLOW = [
  "TicketAssigned",
  "TicketTagsChanged",
  "TicketPriorityChanged",
  "TicketFieldsChanged",
];
type HistoryEvent = { type: string; internal?: boolean };
const historyEvents = (history: { entries: { events: HistoryEvent[] }[] }) =>
  history.entries.flatMap((e) => e.events);

/** Reads: allowed means the caller gets the thing; for notes and workflow, that it is included. */
const READS: Partial<
  Record<Action, (h: Harness, who: Caller, t: { id: string }) => Promise<Outcome>>
> = {
  async list(h, who, t) {
    const page = await readJson(h, who, "/v1/tickets");
    if (!page) return "denied";
    assert.ok(page.tickets.some((x: { id: string }) => x.id === t.id));
    return "allowed";
  },
  read: async (h, who, t) => (await readJson(h, who, `/v1/tickets/${t.id}`)) ? "allowed" : "denied",
  read_history: async (h, who, t) =>
    (await readJson(h, who, `/v1/tickets/${t.id}/history`)) ? "allowed" : "denied",
  read_time: async (h, who, t) =>
    (await readJson(h, who, `/v1/tickets/${t.id}/time`)) ? "allowed" : "denied",
  async read_notes(h, who, t) {
    const ticket = await readJson(h, who, `/v1/tickets/${t.id}`);
    const history = await readJson(h, who, `/v1/tickets/${t.id}/history`);
    const found = await readJson(h, who, `/v1/tickets?q=${NOTE_WORD}`);
    const seen = [
      ticket.messages.some((m: { internal: boolean }) => m.internal),
      historyEvents(history).some((e) => e.type === "MessagePosted" && e.internal),
      found.tickets.some((x: { id: string }) => x.id === t.id),
      JSON.stringify([ticket, history]).includes(NOTE_WORD),
    ];
    assert.ok(seen.every((s) => s === seen[0]), `notes seen in some answers only: ${seen}`);
    return seen[0] ? "allowed" : "denied";
  },
  // Merges and links need a second ticket, so they are probed here (docs/merge-split-links.md).
  merge: (h, who) => runPairWrite(h, who, (other) => ["merge", { into: other }]),
  link: (h, who) =>
    runPairWrite(h, who, (other) => ["links", { ticketId: other, kind: "related" }]),
  async read_workflow(h, who, t) {
    const types = historyEvents(await readJson(h, who, `/v1/tickets/${t.id}/history`)).map((e) =>
      e.type
    );
    const seen = WORKFLOW.map((type) => types.includes(type));
    assert.ok(seen.every((s) => s === seen[0]), `workflow seen in part: ${seen}`);
    return seen[0] ? "allowed" : "denied";
  },
};

Deno.test("permissions - docs/permissions.md holds the tables of domain/permissions.ts", async () => {
  const doc = await Deno.readTextFile(new URL("../docs/permissions.md", import.meta.url));
  assert.ok(
    doc.includes(permissionTables()),
    "docs/permissions.md is out of date: run deno task permissions-doc",
  );
});

Deno.test("permissions - every action has a probe, and every role a column", () => {
  for (const action of Object.keys(ACTIONS) as Action[]) {
    assert.ok(WRITES[action] || READS[action], `no probe for ${action}`);
  }
  assert.deepEqual([...MATRIX_ROLES].sort(), [...ROLES].sort());
});

Deno.test("permissions - canSee agrees with the visibility examples", () => {
  for (const role of MATRIX_ROLES) {
    const actor = actorOf(callers[role]);
    for (const [kind, example] of Object.entries(VISIBILITY_EXAMPLES)) {
      if (kind === "other_tenant") continue; // tenants never meet: no state to ask about
      const ticket = ticketOfKind(kind as TicketKind, callers[role]);
      assert.equal(
        canSee(actor, ticket),
        (example.roles as readonly Role[]).includes(role),
        `${role} / ${kind}`,
      );
    }
  }
});

Deno.test("permissions - every cell of the matrix holds through the HTTP API", (t) =>
  withHarness(async (h) => {
    const fixture = await readFixture(h);
    for (const action of Object.keys(ACTIONS) as Action[]) {
      for (const role of MATRIX_ROLES) {
        const expected: Outcome = PERMISSIONS[action].includes(role) ? "allowed" : "denied";
        await t.step(`${role} - ${action} is ${expected}`, async () => {
          const who = callers[role];
          const write = WRITES[action];
          const outcome = write
            ? await runWrite(h, who, action, write)
            : await READS[action]!(h, who, fixture);
          assert.equal(outcome, expected);
        });
      }
    }
  }));

function ticketOfKind(kind: TicketKind, who: Caller) {
  const other = "someone-else";
  return {
    requested_by_them: { requesterId: who.sub, groupId: null, assigneeId: null },
    ungrouped: { requesterId: other, groupId: null, assigneeId: null },
    in_their_group: { requesterId: other, groupId: "go", assigneeId: null },
    other_group: { requesterId: other, groupId: "db", assigneeId: null },
    other_group_assigned_to_them: { requesterId: other, groupId: "db", assigneeId: who.sub },
    other_tenant: { requesterId: who.sub, groupId: null, assigneeId: null },
  }[kind];
}

Deno.test("permissions - every visibility example holds through the HTTP API", (t) =>
  withHarness(async (h) => {
    for (const role of MATRIX_ROLES) {
      const who = callers[role];
      for (const [kind, example] of Object.entries(VISIBILITY_EXAMPLES)) {
        const visible = (example.roles as readonly Role[]).includes(role);
        await t.step(`${role} - ${example.what}: ${visible ? "visible" : "404"}`, async () => {
          const { requesterId, groupId, assigneeId } = ticketOfKind(kind as TicketKind, who);
          const owner = kind === "other_tenant" ? adminB : adminA;
          const { id, version } = await createTicket(h, owner, {
            requesterId,
            groupId,
            assigneeId,
          });
          await projected(h, version);
          const read = await h.call(who, "GET", `/v1/tickets/${id}`);
          const history = await h.call(who, "GET", `/v1/tickets/${id}/history`);
          const list = await (await h.call(who, "GET", "/v1/tickets?limit=200")).json();
          const listed = list.tickets.some((x: { id: string }) => x.id === id);
          await read.body?.cancel();
          await history.body?.cancel();
          assert.deepEqual(
            [read.status, history.status, listed],
            visible ? [200, 200, true] : [404, 404, false],
          );
          if (!visible) {
            const write = await h.call(who, "POST", `/v1/tickets/${id}/messages`, { body: "hi" });
            assert.equal(write.status, 404);
            assert.equal((await write.json()).code, "ticket_not_found");
          }
        });
      }
    }
  }));

Deno.test("events - commits written with the first three roles still decode", () => {
  const meta = {
    commandId: "1",
    tenant: "acme",
    ticketId: "2",
    at: "2025-01-01T00:00:00.000Z",
    actorId: "a",
  };
  for (const role of ["customer", "agent", "admin"]) {
    const stored = {
      meta: { ...meta, actorRole: role },
      events: [{
        type: "MessagePosted",
        v: 1,
        data: { messageId: "3", authorId: "a", authorRole: role, internal: false, body: "enc:x" },
      }],
    };
    const commit = decodeCommit(new TextEncoder().encode(JSON.stringify(stored)));
    assert.equal(commit.meta.actorRole, role);
  }
  for (const role of ["supervisor", "auditor"] as const) {
    const commit = { meta: { ...meta, actorRole: role }, events: [] };
    assert.equal(decodeCommit(encodeCommit(commit)).meta.actorRole, role);
  }
});
