/**
 * The tickets API against real NATS JetStream and PostgreSQL: create, project, read, search,
 * page, reply, history.
 * @module
 */
import assert from "node:assert/strict";
import {
  agentA,
  createTicket,
  customerA,
  projected,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";

Deno.test("POST /v1/tickets - answers 201 after JetStream acks, with ETag and Location", () =>
  withHarness(async (h) => {
    const response = await h.call(customerA, "POST", "/v1/tickets", {
      subject: "Cannot log in",
      body: "The login page spins forever.",
      priority: "high",
      tags: ["Login"],
    });
    assert.equal(response.status, 201);
    const created = await response.json();
    assert.match(created.id, /^[1-9][0-9]{15,18}$/);
    assert.equal(response.headers.get("etag"), `"${created.version}"`);
    assert.equal(response.headers.get("location"), `/v1/tickets/${created.id}`);
    assert.equal(created.number, 1);
    assert.deepEqual(created.tags, ["login"]);
    assert.equal(created.requesterId, customerA.sub);
  }));

Deno.test("GET /v1/tickets/:id - min_version waits until the read model has the write", () =>
  withHarness(async (h) => {
    const created = await createTicket(h, customerA, { subject: "Émoji 😀 and 中文 survive" });
    const response = await h.call(
      agentA,
      "GET",
      `/v1/tickets/${created.id}?min_version=${created.version}`,
    );
    assert.equal(response.status, 200);
    const ticket = await response.json();
    assert.equal(ticket.subject, "Émoji 😀 and 中文 survive");
    assert.equal(ticket.status, "new");
    assert.equal(ticket.messages.length, 1);
    assert.equal(ticket.messages[0].body, "It is on fire. Please help.");
    assert.equal(response.headers.get("etag"), `"${created.version}"`);
  }));

Deno.test("GET /v1/tickets/:id - a version the read model cannot reach in time is a 503", () =>
  withHarness(async (h) => {
    const created = await createTicket(h, customerA);
    const response = await h.call(
      agentA,
      "GET",
      `/v1/tickets/${created.id}?min_version=999999&wait_ms=50`,
    );
    assert.equal(response.status, 503);
    assert.equal((await response.json()).code, "projection_lagging");
  }));

Deno.test("POST /v1/tickets/:id/messages - a reply and a note land in order; customers never see the note", () =>
  withHarness(async (h) => {
    const created = await createTicket(h, customerA);
    const reply = await h.call(agentA, "POST", `/v1/tickets/${created.id}/messages`, {
      body: "On it.",
    });
    assert.equal(reply.status, 200);
    assert.deepEqual((await reply.json()).events, ["MessagePosted", "TicketStatusChanged"]);
    const note = await h.call(agentA, "POST", `/v1/tickets/${created.id}/messages`, {
      body: "Customer is a VIP",
      internal: true,
    });
    const { version } = await note.json();
    await projected(h, version);
    const agentView = await (await h.call(agentA, "GET", `/v1/tickets/${created.id}`)).json();
    assert.deepEqual(agentView.messages.map((m: { body: string }) => m.body), [
      "It is on fire. Please help.",
      "On it.",
      "Customer is a VIP",
    ]);
    assert.equal(agentView.status, "open");
    const customerView = await (await h.call(customerA, "GET", `/v1/tickets/${created.id}`)).json();
    assert.equal(customerView.messages.length, 2);
    const history = await (await h.call(customerA, "GET", `/v1/tickets/${created.id}/history`))
      .json();
    assert.ok(!JSON.stringify(history).includes("VIP"));
  }));

Deno.test("GET /v1/tickets/:id/history - lists every change from the ticket's events", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA, { subject: "History please" });
    await h.call(agentA, "PUT", `/v1/tickets/${id}/assignment`, {
      assigneeId: "agent-a",
      groupId: "go",
    });
    await h.call(agentA, "POST", `/v1/tickets/${id}/tags`, { add: ["billing"] });
    await h.call(agentA, "PUT", `/v1/tickets/${id}/priority`, { priority: "urgent" });
    await h.call(agentA, "PATCH", `/v1/tickets/${id}/fields`, { fields: { order_id: 42 } });
    await h.call(agentA, "POST", `/v1/tickets/${id}/status`, { status: "solved" });
    const response = await h.call(agentA, "GET", `/v1/tickets/${id}/history`);
    const history = await response.json();
    const types = history.entries.flatMap((e: { events: { type: string }[] }) =>
      e.events.map((x) => x.type)
    );
    assert.deepEqual(types, [
      "TicketCreated",
      "MessagePosted",
      "TicketAssigned",
      "TicketTagsChanged",
      "TicketPriorityChanged",
      "TicketFieldsChanged",
      "TicketStatusChanged",
    ]);
    assert.equal(history.entries[0].events[0].subject, "History please");
    assert.equal(history.entries[0].actor.id, customerA.sub);
    assert.equal(response.headers.get("etag"), `"${history.version}"`);
  }));

Deno.test("GET /v1/tickets - filters by status, priority, assignee, group, requester, tag and time", () =>
  withHarness(async (h) => {
    const a = await createTicket(h, customerA, { priority: "urgent", tags: ["vip"] });
    const b = await createTicket(h, agentA, { requesterId: "someone", priority: "low" });
    await h.call(agentA, "PUT", `/v1/tickets/${b.id}/assignment`, {
      assigneeId: "agent-z",
      groupId: "db",
    });
    const last = await h.call(agentA, "POST", `/v1/tickets/${b.id}/status`, { status: "pending" });
    await projected(h, (await last.json()).version);
    const ids = async (query: string) =>
      (await (await h.call(agentA, "GET", `/v1/tickets?${query}`)).json()).tickets.map((
        t: { id: string },
      ) => t.id);
    assert.deepEqual(await ids("priority=urgent"), [a.id]);
    assert.deepEqual(await ids("status=pending"), [b.id]);
    assert.deepEqual(await ids("status=new,pending&sort=created_at"), [a.id, b.id]);
    assert.deepEqual(await ids("assignee=agent-z"), [b.id]);
    assert.deepEqual(await ids("group=db"), [b.id]);
    assert.deepEqual(await ids(`requester=${customerA.sub}`), [a.id]);
    assert.deepEqual(await ids("tag=VIP"), [a.id]);
    assert.deepEqual(
      await ids("created_from=2000-01-01T00:00:00Z&created_to=2001-01-01T00:00:00Z"),
      [],
    );
    assert.deepEqual(await ids("sort=-priority"), [a.id, b.id]);
    assert.deepEqual(await ids(`number=${b.number}`), [b.id]);
  }));

Deno.test("GET /v1/tickets - cursor pagination walks every ticket exactly once", () =>
  withHarness(async (h) => {
    const created = [];
    for (let i = 0; i < 7; i++) created.push((await createTicket(h, customerA)).id);
    await projected(h, (await createTicket(h, customerA)).version);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=3&sort=number${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await (await h.call(agentA, "GET", `/v1/tickets?${query}`)).json();
      seen.push(...page.tickets.map((t: { id: string }) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 8);
    assert.equal(new Set(seen).size, 8);
    assert.deepEqual(seen.slice(0, 7), created);
  }));

Deno.test("GET /v1/tickets?q= - finds English and Chinese keywords in subjects and bodies", () =>
  withHarness(async (h) => {
    const zh = await createTicket(h, customerA, {
      subject: "打开大文件时崩溃",
      body: "VS Code 无响应然后退出",
    });
    const en = await createTicket(h, customerA, {
      subject: "NameNode fails",
      body: "The DataNode heartbeat stops.",
    });
    await projected(h, en.version);
    const search = async (q: string) =>
      (await (await h.call(agentA, "GET", `/v1/tickets?q=${encodeURIComponent(q)}`)).json()).tickets
        .map((t: { id: string }) => t.id);
    assert.deepEqual(await search("崩溃"), [zh.id]);
    assert.deepEqual(await search("无响应"), [zh.id]);
    assert.deepEqual(await search("namenode"), [en.id]);
    assert.deepEqual(await search("DATANODE heartbeat"), [en.id]);
    assert.deepEqual(await search("heartbeat 崩溃"), []);
  }));

Deno.test("GET /v1/tickets?q= - keyword results page with a cursor, newest first, each once", () =>
  withHarness(async (h) => {
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(await createTicket(h, customerA, { subject: `zebra ${i}` }));
    }
    await createTicket(h, customerA, { subject: "no stripes" });
    await projected(h, created.at(-1)!.version + 1);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `q=zebra&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await (await h.call(agentA, "GET", `/v1/tickets?${query}`)).json();
      seen.push(...page.tickets.map((t: { id: string }) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, created.map((t) => t.id).reverse());
  }));

Deno.test("GET /v1/tickets?q= - internal notes are searchable by agents only", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA);
    const note = await h.call(agentA, "POST", `/v1/tickets/${id}/messages`, {
      body: "refund approved",
      internal: true,
    });
    await projected(h, (await note.json()).version);
    const agentHits = await (await h.call(agentA, "GET", "/v1/tickets?q=refund")).json();
    const customerHits = await (await h.call(customerA, "GET", "/v1/tickets?q=refund")).json();
    assert.equal(agentHits.tickets.length, 1);
    assert.equal(customerHits.tickets.length, 0);
  }));

Deno.test("POST /v1/tickets - a follow-up of a closed ticket is linked to it", () =>
  withHarness(async (h) => {
    const { id } = await createTicket(h, customerA);
    await h.call(agentA, "POST", `/v1/tickets/${id}/status`, { status: "solved" });
    await h.call(supervisorA, "POST", `/v1/tickets/${id}/status`, { status: "closed" });
    const refused = await h.call(customerA, "POST", `/v1/tickets/${id}/messages`, {
      body: "still broken",
    });
    assert.equal(refused.status, 409);
    const problem = await refused.json();
    assert.equal(problem.code, "ticket_closed");
    assert.equal(problem.followUpOf, id);
    const followUp = await createTicket(h, customerA, { followUpOf: id, body: "still broken" });
    const ticket = await (await h.call(
      agentA,
      "GET",
      `/v1/tickets/${followUp.id}?min_version=${followUp.version}`,
    ))
      .json();
    assert.equal(ticket.followUpOf, id);
  }));

Deno.test("GET /openapi.json - documents every route", () =>
  withHarness(async (h) => {
    const doc = await (await h.service.fetch(new Request("http://t/openapi.json"))).json();
    assert.equal(doc.openapi, "3.1.0");
    for (
      const path of ["/tickets", "/tickets/{id}", "/tickets/{id}/messages", "/tickets/{id}/history"]
    ) {
      assert.ok(doc.paths[path], path);
    }
    assert.ok(
      doc.paths["/tickets"].post.requestBody.content["application/json"].schema.properties.subject,
    );
  }));
