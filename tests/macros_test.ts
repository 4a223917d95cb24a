/**
 * Macros against real NATS JetStream and PostgreSQL: saving (placeholders checked, text sealed at
 * rest), who keeps which macros, and applying one as a single atomic commit.
 * @module
 */
import assert from "node:assert/strict";
import {
  adminA,
  agentA,
  agentGoA,
  type Caller,
  createTicket,
  customerA,
  type Harness,
  projected,
  withHarness,
} from "./support/tickets_harness.ts";

async function saveMacro(h: Harness, who: Caller, body: Record<string, unknown>) {
  const response = await h.call(who, "POST", "/v1/macros", body);
  return { status: response.status, json: await response.json() };
}

async function applyMacro(
  h: Harness,
  who: Caller,
  ticketId: string,
  macroId: string,
  headers: Record<string, string> = {},
) {
  const response = await h.call(
    who,
    "POST",
    `/v1/tickets/${ticketId}/macros/${macroId}/apply`,
    undefined,
    headers,
  );
  return { status: response.status, json: await response.json() };
}

const waiting = {
  name: "Waiting for logs",
  text: { body: "Hi {{requester.id}}, please send the logs for #{{ticket.number}}." },
  status: "pending",
  priority: "high",
  tags: { add: ["needs-logs"] },
  assignment: { assigneeId: agentA.sub, groupId: "go" },
};

Deno.test("POST /v1/tickets/:id/macros/:macroId/apply - reply, status, tags, priority and assignment in one commit", () =>
  withHarness(async (h) => {
    const saved = await saveMacro(h, agentA, waiting);
    assert.equal(saved.status, 201, JSON.stringify(saved.json));
    const ticket = await createTicket(h, customerA);
    const applied = await applyMacro(h, agentA, ticket.id, saved.json.id);
    assert.equal(applied.status, 200, JSON.stringify(applied.json));
    assert.equal(applied.json.version, ticket.version + 1, "one commit");
    assert.deepEqual(applied.json.events, [
      "MessagePosted",
      "TicketStatusChanged",
      "TicketStatusChanged",
      "TicketTagsChanged",
      "TicketPriorityChanged",
      "TicketAssigned",
    ]);
    await projected(h, applied.json.version);
    const view = await (await h.call(agentA, "GET", `/v1/tickets/${ticket.id}`)).json();
    assert.equal(view.status, "pending");
    assert.equal(view.priority, "high");
    assert.deepEqual(view.tags, ["needs-logs"]);
    assert.equal(view.assigneeId, agentA.sub);
    assert.equal(
      view.messages.at(-1).body,
      `Hi ${customerA.sub}, please send the logs for #${ticket.number}.`,
    );
  }));

Deno.test("POST /v1/tickets/:id/macros/:macroId/apply - one refused change refuses them all", () =>
  withHarness(async (h) => {
    // Assigning into a group the agent is not in needs a supervisor: the reply must not land.
    const saved = await saveMacro(h, agentGoA, {
      name: "Hand to db",
      text: { body: "Passing this on." },
      assignment: { assigneeId: "someone", groupId: "db" },
    });
    const ticket = await createTicket(h, customerA);
    const applied = await applyMacro(h, agentGoA, ticket.id, saved.json.id);
    assert.equal(applied.status, 403);
    assert.equal(applied.json.code, "forbidden");
    const history = await (await h.call(agentGoA, "GET", `/v1/tickets/${ticket.id}/history`))
      .json();
    assert.equal(history.version, ticket.version, "nothing was appended");
  }));

Deno.test("POST /v1/tickets/:id/macros/:macroId/apply - If-Match and Idempotency-Key as on every command", () =>
  withHarness(async (h) => {
    const saved = await saveMacro(h, agentA, { name: "Thanks", text: { body: "Thanks!" } });
    const ticket = await createTicket(h, customerA);
    const stale = await applyMacro(h, agentA, ticket.id, saved.json.id, { "if-match": '"999"' });
    assert.equal(stale.status, 412);
    assert.equal(stale.json.code, "version_conflict");
    const key = { "idempotency-key": "macro-1" };
    const first = await applyMacro(h, agentA, ticket.id, saved.json.id, key);
    const again = await applyMacro(h, agentA, ticket.id, saved.json.id, key);
    assert.equal(again.status, 200);
    assert.equal(again.json.version, first.json.version, "applied once");
  }));

Deno.test("POST /v1/macros - an unknown placeholder is refused at save with its code", () =>
  withHarness(async (h) => {
    const refused = await saveMacro(h, agentA, {
      name: "Hello",
      text: { body: "Dear {{requester.name}}" },
    });
    assert.equal(refused.status, 422);
    assert.equal(refused.json.code, "unknown_placeholder");
    assert.equal(refused.json.placeholder, "requester.name");
  }));

Deno.test("POST /v1/macros - a tag no ticket accepts is refused at save (422 invalid_tag), so is a lone {{ (422 malformed_placeholder)", () =>
  withHarness(async (h) => {
    const badTag = await saveMacro(h, agentA, { name: "Tag", tags: { add: ["two words"] } });
    assert.equal(badTag.status, 422);
    assert.equal(badTag.json.code, "invalid_tag");
    const lone = await saveMacro(h, agentA, { name: "Hi", text: { body: "Hi {{ticket.number" } });
    assert.equal(lone.status, 422);
    assert.equal(lone.json.code, "malformed_placeholder");
  }));

Deno.test("POST /v1/macros - the text is sealed at rest, opened for its readers", () =>
  withHarness(async (h) => {
    const saved = await saveMacro(h, agentA, {
      name: "Secret",
      text: { body: "The wombat password" },
    });
    const [row] = await h.sql<{ bodySealed: string }[]>`
      select body_sealed from macros where id = ${saved.json.id}`;
    assert.match(row.bodySealed, /^enc:/);
    assert.ok(!row.bodySealed.includes("wombat"));
    const list = await (await h.call(agentA, "GET", "/v1/macros")).json();
    assert.equal(list.macros[0].text.body, "The wombat password");
  }));

Deno.test("POST /v1/macros - admins keep the tenant's macros; an agent's own are theirs alone", () =>
  withHarness(async (h) => {
    const tenantWide = await saveMacro(h, agentA, {
      scope: "tenant",
      name: "X",
      tags: { add: ["x"] },
    });
    assert.equal(tenantWide.status, 403);
    const shared = await saveMacro(h, adminA, { scope: "tenant", name: "Shared", priority: "low" });
    assert.equal(shared.status, 201);
    const own = await saveMacro(h, agentA, { name: "Mine", priority: "urgent" });
    const seenByOther = await (await h.call(agentGoA, "GET", "/v1/macros")).json();
    assert.deepEqual(seenByOther.macros.map((m: { name: string }) => m.name), ["Shared"]);
    const ticket = await createTicket(h, customerA);
    const foreign = await applyMacro(h, agentGoA, ticket.id, own.json.id);
    assert.equal(foreign.status, 404);
    assert.equal(foreign.json.code, "macro_not_found");
    const edit = await h.call(agentA, "PUT", `/v1/macros/${shared.json.id}`, {
      name: "Taken over",
      priority: "low",
    });
    assert.equal(edit.status, 403);
    const removed = await h.call(agentA, "DELETE", `/v1/macros/${own.json.id}`);
    assert.equal(removed.status, 204);
  }));

Deno.test("PUT /v1/macros/:id - the owner replaces a macro; its id and scope stay, the new text is used", () =>
  withHarness(async (h) => {
    const saved = await saveMacro(h, agentA, { name: "Greet", text: { body: "Hello" } });
    const replaced = await h.call(agentA, "PUT", `/v1/macros/${saved.json.id}`, {
      name: "Greet warmly",
      text: { body: "Hello, {{requester.id}}!", internal: true },
      priority: "low",
    });
    assert.equal(replaced.status, 200);
    const body = await replaced.json();
    assert.equal(body.id, saved.json.id);
    assert.equal(body.scope, "personal");
    assert.deepEqual(body.text, { body: "Hello, {{requester.id}}!", internal: true });
    const ticket = await createTicket(h, customerA);
    const applied = await applyMacro(h, agentA, ticket.id, saved.json.id);
    assert.deepEqual(applied.json.events, ["MessagePosted", "TicketPriorityChanged"]);
    await projected(h, applied.json.version);
    const view = await (await h.call(agentA, "GET", `/v1/tickets/${ticket.id}`)).json();
    const note = view.messages.at(-1);
    assert.equal(note.internal, true);
    assert.equal(note.body, `Hello, ${customerA.sub}!`);
  }));
