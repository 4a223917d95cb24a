/**
 * Roles, groups and tenants, hole by hole: customers see and change only their own tickets,
 * agents their groups', auditors change nothing, nobody crosses tenants, and nothing in a request
 * widens what the token grants. The full matrix is in tickets_permissions_test.ts.
 * @module
 */
import assert from "node:assert/strict";
import {
  adminA,
  adminB,
  agentA,
  agentB,
  agentGoA,
  auditorA,
  type Caller,
  createTicket,
  customerA,
  customerA2,
  type Harness,
  projected,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";

const WRITES = [
  ["POST", "messages", { body: "hello" }],
  ["POST", "messages", { body: "psst", internal: true }],
  ["POST", "status", { status: "pending" }],
  ["PUT", "assignment", { assigneeId: "someone", groupId: "go" }],
  ["POST", "tags", { add: ["x"] }],
  ["PUT", "priority", { priority: "urgent" }],
  ["PATCH", "fields", { fields: { order_id: 5 } }],
] as const;

/** The status and problem code of every read and write of ticket `id` by `who`. */
async function everyCall(h: Harness, who: Caller, id: string): Promise<string[]> {
  const calls: [string, string, unknown][] = [
    ["GET", "", undefined],
    ["GET", "/history", undefined],
    ...WRITES.map(([method, route, body]) =>
      [method, `/${route}`, body] as [string, string, unknown]
    ),
  ];
  const answers = [];
  for (const [method, route, body] of calls) {
    const response = await h.call(who, method, `/v1/tickets/${id}${route}`, body);
    answers.push(`${method} ${route || "/"} ${response.status} ${(await response.json()).code}`);
  }
  return answers;
}

const ids = (page: { tickets: { id: string }[] }) => page.tickets.map((t) => t.id);

Deno.test("customers - list only their own tickets, whatever requester they ask for", () =>
  withHarness(async (h) => {
    const mine = await createTicket(h, customerA);
    const theirs = await createTicket(h, customerA2);
    await projected(h, Math.max(mine.version, theirs.version));
    const list = await (await h.call(customerA, "GET", `/v1/tickets?requester=${customerA2.sub}`))
      .json();
    assert.deepEqual(list.tickets.map((t: { id: string }) => t.id), [mine.id]);
    const all = await (await h.call(agentA, "GET", "/v1/tickets")).json();
    assert.equal(all.tickets.length, 2);
  }));

Deno.test("customers - another customer's ticket does not exist for them", () =>
  withHarness(async (h) => {
    const theirs = await createTicket(h, customerA2);
    await projected(h, theirs.version);
    assert.equal((await h.call(customerA, "GET", `/v1/tickets/${theirs.id}`)).status, 404);
    assert.equal((await h.call(customerA, "GET", `/v1/tickets/${theirs.id}/history`)).status, 404);
    assert.equal(
      (await h.call(customerA, "POST", `/v1/tickets/${theirs.id}/messages`, { body: "hi" })).status,
      404,
    );
  }));

Deno.test("customers - cannot open tickets for others, assign, tag, change status or write notes", () =>
  withHarness(async (h) => {
    const forOthers = await h.call(customerA, "POST", "/v1/tickets", {
      subject: "s",
      body: "b",
      requesterId: "x",
    });
    assert.equal(forOthers.status, 403);
    const { id } = await createTicket(h, customerA);
    const attempts = [
      ["PUT", "assignment", { assigneeId: "me" }],
      ["POST", "tags", { add: ["x"] }],
      ["POST", "status", { status: "solved" }],
      ["PUT", "priority", { priority: "urgent" }],
      ["POST", "messages", { body: "psst", internal: true }],
    ] as const;
    for (const [method, route, body] of attempts) {
      const response = await h.call(customerA, method, `/v1/tickets/${id}/${route}`, body);
      assert.equal(response.status, 403, route);
      assert.equal((await response.json()).code, "forbidden");
    }
  }));

Deno.test("agents - work on every ticket of their tenant and none of another", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA);
    assert.equal(
      (await h.call(agentA, "PUT", `/v1/tickets/${id}/priority`, { priority: "high" })).status,
      200,
    );
    assert.equal(
      (await h.call(agentB, "PUT", `/v1/tickets/${id}/priority`, { priority: "low" })).status,
      404,
    );
  }));

Deno.test("admins - may import with an original time and status", () =>
  withHarness(async (h) => {
    const response = await h.call(adminA, "POST", "/v1/tickets", {
      subject: "Old one",
      body: "From 2021",
      status: "solved",
      createdAt: "2021-09-30T17:20:00Z",
    });
    assert.equal(response.status, 201);
    const { id, version } = await response.json();
    const ticket = await (await h.call(agentA, "GET", `/v1/tickets/${id}?min_version=${version}`))
      .json();
    assert.equal(ticket.status, "solved");
    assert.equal(ticket.createdAt, "2021-09-30T17:20:00.000Z");
  }));

Deno.test("customers - cannot learn about another ticket through an external id", () =>
  withHarness(async (h) => {
    await createTicket(h, agentA, { externalId: "jira:SECRET-1", requesterId: "someone" });
    const probe = await h.call(customerA, "POST", "/v1/tickets", {
      subject: "s",
      body: "b",
      externalId: "jira:SECRET-1",
    });
    assert.equal(probe.status, 403);
    assert.equal((await probe.json()).code, "forbidden");
  }));

Deno.test("customers - cannot cite another customer's ticket as a follow-up", () =>
  withHarness(async (h) => {
    const theirs = await createTicket(h, customerA2);
    const response = await h.call(customerA, "POST", "/v1/tickets", {
      subject: "s",
      body: "b",
      followUpOf: theirs.id,
    });
    assert.equal(response.status, 422);
    assert.equal((await response.json()).code, "invalid_follow_up");
  }));

Deno.test("tenants - another tenant's ticket is 404 to each of their roles, for every read and write", () =>
  withHarness(async (h) => {
    const { id, version } = await createTicket(h, adminA, { requesterId: "cust-b" });
    await projected(h, version);
    const others: Caller[] = [
      adminB,
      agentB,
      { sub: "cust-b", role: "customer", tenant: "globex" },
      { sub: "audit-b", role: "auditor", tenant: "globex" },
    ];
    for (const who of others) {
      for (const answer of await everyCall(h, who, id)) {
        assert.match(answer, / 404 ticket_not_found$/, `${who.role}: ${answer}`);
      }
      const list = await (await h.call(who, "GET", `/v1/tickets?requester=cust-b`)).json();
      assert.deepEqual(ids(list), [], who.role);
    }
  }));

Deno.test("customers - an internal note never reaches them: ticket, count, search or history", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA);
    await h.call(agentA, "POST", `/v1/tickets/${id}/messages`, { body: "public answer" });
    const note = await h.call(agentA, "POST", `/v1/tickets/${id}/messages`, {
      body: "Internal: refund approved, kangaroo",
      internal: true,
    });
    await projected(h, (await note.json()).version);
    const ticket = await (await h.call(customerA, "GET", `/v1/tickets/${id}`)).json();
    assert.equal(ticket.messages.length, 2);
    assert.equal(ticket.messageCount, 2);
    assert.ok(ticket.messages.every((m: { internal: boolean }) => !m.internal));
    const list = await (await h.call(customerA, "GET", "/v1/tickets")).json();
    assert.deepEqual(ids(list), [id]);
    assert.equal(list.tickets[0].messageCount, undefined);
    const search = await (await h.call(customerA, "GET", "/v1/tickets?q=kangaroo")).json();
    assert.deepEqual(ids(search), []);
    const history = await (await h.call(customerA, "GET", `/v1/tickets/${id}/history`)).json();
    assert.ok(!JSON.stringify([ticket, list, history]).includes("kangaroo"));
    const agentView = await (await h.call(agentA, "GET", `/v1/tickets/${id}`)).json();
    assert.equal(agentView.messageCount, 3);
    assert.ok(JSON.stringify(agentView).includes("kangaroo"));
  }));

Deno.test("groups - a ticket of another group is 404 to an agent for every call and absent from lists", () =>
  withHarness(async (h) => {
    const { id, version } = await createTicket(h, adminA, {
      requesterId: customerA.sub,
      groupId: "db",
    });
    await projected(h, version);
    for (const answer of await everyCall(h, agentGoA, id)) {
      assert.match(answer, / 404 ticket_not_found$/, answer);
    }
    for (const query of ["", "?group=db", `?requester=${customerA.sub}`, "?q=fire"]) {
      const list = await (await h.call(agentGoA, "GET", `/v1/tickets${query}`)).json();
      assert.deepEqual(ids(list), [], query);
    }
    const followUp = await h.call(agentGoA, "POST", "/v1/tickets", {
      subject: "s",
      body: "b",
      followUpOf: id,
    });
    assert.equal((await followUp.json()).code, "invalid_follow_up");
    const inDb = await (await h.call(agentA, "GET", `/v1/tickets/${id}`)).json();
    assert.equal(inDb.groupId, "db");
  }));

Deno.test("groups - a ticket moved to another group leaves the agent's view; assigned to them, it stays", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, adminA, { requesterId: customerA.sub, groupId: "go" });
    const moved = await h.call(supervisorA, "PUT", `/v1/tickets/${id}/assignment`, {
      assigneeId: null,
      groupId: "db",
    });
    await projected(h, (await moved.json()).version);
    assert.equal((await h.call(agentGoA, "GET", `/v1/tickets/${id}`)).status, 404);
    assert.equal((await h.call(agentGoA, "GET", `/v1/tickets/${id}/history`)).status, 404);
    const handed = await h.call(supervisorA, "PUT", `/v1/tickets/${id}/assignment`, {
      assigneeId: agentGoA.sub,
      groupId: "db",
    });
    await projected(h, (await handed.json()).version);
    assert.equal((await h.call(agentGoA, "GET", `/v1/tickets/${id}`)).status, 200);
    const mine = await (await h.call(agentGoA, "GET", "/v1/tickets")).json();
    assert.deepEqual(ids(mine), [id]);
  }));

Deno.test("groups - an agent cannot move a ticket out of their groups or open one into another", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, adminA, { requesterId: customerA.sub, groupId: "go" });
    const away = await h.call(agentGoA, "PUT", `/v1/tickets/${id}/assignment`, {
      assigneeId: agentGoA.sub,
      groupId: "db",
    });
    assert.equal(away.status, 403);
    assert.equal((await away.json()).action, "assign_any");
    const into = await h.call(agentGoA, "POST", "/v1/tickets", {
      subject: "s",
      body: "b",
      requesterId: customerA.sub,
      groupId: "db",
    });
    assert.equal(into.status, 403);
    await into.body?.cancel();
  }));

Deno.test("auditors - every write is 403 forbidden and changes nothing, yet they read it all", () =>
  withHarness(async (h) => {
    const { id, version } = await createTicket(h, customerA);
    await projected(h, version);
    const answers = await everyCall(h, auditorA, id);
    assert.deepEqual(answers.slice(0, 2).map((a) => a.split(" ")[2]), ["200", "200"]);
    for (const answer of answers.slice(2)) assert.match(answer, / 403 forbidden$/, answer);
    const closing = await h.call(auditorA, "POST", `/v1/tickets/${id}/status`, {
      status: "closed",
    });
    assert.equal(closing.status, 403);
    await closing.body?.cancel();
    for (
      const body of [{ subject: "s", body: "b" }, { subject: "s", body: "b", externalId: "x:1" }]
    ) {
      const create = await h.call(auditorA, "POST", "/v1/tickets", body);
      assert.equal(create.status, 403);
      await create.body?.cancel();
    }
    const history = await (await h.call(auditorA, "GET", `/v1/tickets/${id}/history`)).json();
    assert.equal(history.version, version);
  }));

Deno.test("requests - tenant, role or groups in a body are refused; a customer's requesterId is checked", () =>
  withHarness(async (h) => {
    for (const extra of [{ tenant: "globex" }, { role: "admin" }, { groups: ["db"] }]) {
      const response = await h.call(customerA, "POST", "/v1/tickets", {
        subject: "s",
        body: "b",
        ...extra,
      });
      assert.equal(response.status, 422, JSON.stringify(extra));
      assert.equal((await response.json()).code, "invalid_request");
    }
    const { id } = await createTicket(h, customerA);
    const sneaky = await h.call(customerA, "POST", `/v1/tickets/${id}/messages`, {
      body: "b",
      authorRole: "agent",
    });
    assert.equal(sneaky.status, 422);
    await sneaky.body?.cancel();
    const forOther = await h.call(customerA, "POST", "/v1/tickets", {
      subject: "s",
      body: "b",
      requesterId: customerA2.sub,
    });
    assert.equal(forOther.status, 403);
    assert.equal((await forOther.json()).action, "create_for_others");
    const list = await (await h.call(agentB, "GET", "/v1/tickets?tenant=acme")).json();
    assert.deepEqual(ids(list), []);
  }));

Deno.test("requests - a customer's token groups widen nothing", () =>
  withHarness(async (h) => {
    const { version } = await createTicket(h, adminA, {
      requesterId: customerA2.sub,
      groupId: "go",
    });
    await projected(h, version);
    const grouped: Caller = { ...customerA, groups: ["go"] };
    assert.deepEqual(ids(await (await h.call(grouped, "GET", "/v1/tickets")).json()), []);
  }));

Deno.test("customers - may reopen their solved ticket, not close or solve it", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA);
    await h.call(agentA, "POST", `/v1/tickets/${id}/status`, { status: "solved" });
    for (const status of ["closed", "pending"]) {
      const refused = await h.call(customerA, "POST", `/v1/tickets/${id}/status`, { status });
      assert.equal(refused.status, 403, status);
      await refused.body?.cancel();
    }
    const reopened = await h.call(customerA, "POST", `/v1/tickets/${id}/status`, {
      status: "open",
    });
    assert.equal(reopened.status, 200);
    assert.equal((await reopened.json()).status, "open");
  }));

Deno.test("externalId - one held by a ticket an agent cannot see is not answered with it", () =>
  withHarness(async (h) => {
    await createTicket(h, adminA, { requesterId: "c", groupId: "db", externalId: "crm:77" });
    const probe = await h.call(agentGoA, "POST", "/v1/tickets", {
      subject: "s",
      body: "b",
      externalId: "crm:77",
    });
    assert.equal(probe.status, 409);
    const problem = await probe.json();
    assert.equal(problem.code, "external_id_taken");
    assert.equal(problem.id, undefined);
  }));

Deno.test("bearer auth - a missing or bad token is 401 with a Bearer challenge (RFC 6750)", () =>
  withHarness(async (h) => {
    for (const authorization of [undefined, "Bearer not.a.token"]) {
      const response = await h.service.fetch(
        new Request("http://tickets.test/v1/tickets", {
          headers: authorization ? { authorization } : {},
        }),
      );
      assert.equal(response.status, 401);
      assert.equal(response.headers.get("www-authenticate"), 'Bearer error="invalid_token"');
      assert.equal((await response.json()).code, "unauthorized");
    }
  }));
