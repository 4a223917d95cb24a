/**
 * Ticket commands over NATS (`shared/commands/`): what routing and other services use to change
 * a ticket, against the real tickets service, JetStream and PostgreSQL.
 * @module
 */
import assert from "node:assert/strict";
import { ticketCommandSender } from "@ticketd/shared/commands/ticket_command_client.ts";
import { ticketAccessSubject, ticketCommandSubject } from "@ticketd/shared/commands/tickets.ts";
import {
  createTicket,
  customerA,
  projected,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";

Deno.test("a service command over NATS changes the ticket as svc:<service>, after JetStream acks", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const send = ticketCommandSender(h.nc, 5_000);
    const reply = await send("acme", {
      service: "routing",
      ticketId: ticket.id,
      changes: [{ type: "ChangePriority", to: "urgent" }],
      ifMatch: ticket.version,
    });
    assert.equal(reply.ok, true);
    if (!reply.ok) return;
    assert.equal(reply.changed, true);
    assert.ok(reply.version > ticket.version);
    await projected(h, reply.version);
    const history = await (await h.call(supervisorA, "GET", `/v1/tickets/${ticket.id}/history`))
      .json();
    const last = history.entries.at(-1);
    assert.deepEqual(last.actor, { id: "svc:routing", role: "supervisor" });
    assert.equal(last.events[0].type, "TicketPriorityChanged");
  }));

Deno.test("the same idempotency key from two senders appends once", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const send = ticketCommandSender(h.nc, 5_000);
    const request = {
      service: "routing",
      ticketId: ticket.id,
      changes: [{ type: "AssignTicket" as const, assigneeId: "agent-a", groupId: "go" }],
      ifMatch: ticket.version,
      idempotencyKey: `route:${ticket.id}:${ticket.version}:0`,
    };
    const [first, second] = await Promise.all([send("acme", request), send("acme", request)]);
    assert.ok(first.ok && second.ok, JSON.stringify([first, second]));
    assert.equal(first.version, second.version);
    assert.deepEqual([first.duplicate, second.duplicate].sort(), [false, true]);
  }));

Deno.test("a command decided on a stale version is refused with the current version", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const send = ticketCommandSender(h.nc, 5_000);
    const moved = await send("acme", {
      service: "routing",
      ticketId: ticket.id,
      changes: [{ type: "ChangeTags", add: ["vip"], remove: [] }],
    });
    assert.ok(moved.ok);
    const stale = await send("acme", {
      service: "routing",
      ticketId: ticket.id,
      changes: [{ type: "ChangePriority", to: "low" }],
      ifMatch: ticket.version,
    });
    assert.deepEqual(stale, {
      ok: false,
      code: "version_conflict",
      message: stale.ok ? "" : stale.message,
      status: 412,
      currentVersion: moved.version,
    });
  }));

Deno.test("a malformed command is refused with a code, not a crash", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const raw = async (payload: string) =>
      (await h.nc.request(ticketCommandSubject("acme"), payload, { timeout: 5_000 })).json<
        { ok: boolean; code: string; status: number }
      >();
    assert.equal((await raw("{not json")).code, "malformed_json");
    const post = await raw(JSON.stringify({
      service: "routing",
      ticketId: ticket.id,
      changes: [{ type: "PostMessage", body: "bell \u0007", internal: false }],
    }));
    assert.deepEqual([post.ok, post.code, post.status], [false, "invalid_command", 422]);
    const missing = await raw(JSON.stringify({
      service: "routing",
      ticketId: "123",
      changes: [{ type: "ChangePriority", to: "high" }],
    }));
    assert.deepEqual([missing.code, missing.status], ["ticket_not_found", 404]);
    const otherTenant = await ticketCommandSender(h.nc, 5_000)("globex", {
      service: "routing",
      ticketId: ticket.id,
      changes: [{ type: "ChangePriority", to: "high" }],
    });
    assert.equal(otherTenant.ok ? 0 : otherTenant.status, 404);
  }));

Deno.test("several changes in one command land as one commit, or not at all", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const send = ticketCommandSender(h.nc, 5_000);
    const together = await send("acme", {
      service: "routing",
      ticketId: ticket.id,
      changes: [
        { type: "ChangePriority", to: "urgent" },
        { type: "ChangeTags", add: ["crash"], remove: [] },
        { type: "AssignTicket", assigneeId: "agent-a", groupId: "go" },
      ],
      ifMatch: ticket.version,
    });
    assert.ok(together.ok);
    await projected(h, together.version);
    const history = await (await h.call(supervisorA, "GET", `/v1/tickets/${ticket.id}/history`))
      .json();
    assert.equal(history.entries.length, 2);
    assert.deepEqual(history.entries[1].events.map((e: { type: string }) => e.type), [
      "TicketPriorityChanged",
      "TicketTagsChanged",
      "TicketAssigned",
    ]);
    const refused = await send("acme", {
      service: "routing",
      ticketId: ticket.id,
      changes: [
        { type: "ChangePriority", to: "low" },
        { type: "ChangeStatus", to: "closed" }, // only a solved ticket can be closed
      ],
    });
    assert.equal(refused.ok, false);
    const after = await (await h.call(supervisorA, "GET", `/v1/tickets/${ticket.id}`)).json();
    assert.equal(after.priority, "urgent");
  }));

Deno.test("a service opens a ticket for a customer and posts to it; the text is sealed at rest", () =>
  withHarness(async (h) => {
    const send = ticketCommandSender(h.nc, 5_000);
    const opened = await send("acme", {
      service: "sessions",
      create: { subject: "Chat: 订单没到", body: "客户: 我的订单还没到", requesterId: "cust-a" },
      idempotencyKey: "conversation-1",
    });
    assert.ok(opened.ok, JSON.stringify(opened));
    const again = await send("acme", {
      service: "sessions",
      create: { subject: "Chat: 订单没到", body: "客户: 我的订单还没到", requesterId: "cust-a" },
      idempotencyKey: "conversation-1",
    });
    assert.ok(again.ok && again.duplicate && again.ticketId === opened.ticketId);
    const posted = await send("acme", {
      service: "sessions",
      ticketId: opened.ticketId,
      changes: [{ type: "PostMessage", body: "Transcript: 客户已收到", internal: true }],
    });
    assert.ok(posted.ok);
    await projected(h, posted.version);
    const mine = await (await h.call(customerA, "GET", `/v1/tickets/${opened.ticketId}`)).json();
    assert.equal(mine.requesterId, "cust-a");
    const stored = await h.jsm.streams.getMessage(h.config.stream.name, { seq: posted.version });
    assert.ok(!new TextDecoder().decode(stored!.data).includes("客户"));
    const tooLong = await send("acme", {
      service: "sessions",
      create: { subject: "x".repeat(501), body: "b", requesterId: "cust-a" },
    });
    assert.deepEqual(tooLong.ok ? "" : tooLong.code, "invalid_command");
  }));

Deno.test("the access query answers who may see a ticket and add to it, as the HTTP API does", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const ask = async (principal: { id: string; role: string; groups: string[] }) =>
      (await h.nc.request(
        ticketAccessSubject("acme"),
        JSON.stringify({ ticketId: ticket.id, principal }),
        { timeout: 5_000 },
      )).json<{ visible: boolean; canAdd?: boolean; requesterId?: string }>();
    assert.deepEqual(await ask({ id: "cust-a", role: "customer", groups: [] }), {
      visible: true,
      canAdd: true,
      requesterId: "cust-a",
      status: "new",
    });
    assert.deepEqual(await ask({ id: "cust-a2", role: "customer", groups: [] }), {
      visible: false,
    });
    const auditor = await ask({ id: "audit-a", role: "auditor", groups: [] });
    assert.deepEqual([auditor.visible, auditor.canAdd], [true, false]);
    const otherTenant = await h.nc.request(
      ticketAccessSubject("globex"),
      JSON.stringify({ ticketId: ticket.id, principal: { id: "x", role: "admin", groups: [] } }),
      { timeout: 5_000 },
    );
    assert.deepEqual(otherTenant.json(), { visible: false });
  }));

Deno.test("an attachment joins the ticket's history through a service command; a closed ticket refuses it", () =>
  withHarness(async (h) => {
    const ticket = await createTicket(h, customerA);
    const send = ticketCommandSender(h.nc, 5_000);
    const attachment = {
      type: "AddAttachment" as const,
      attachmentId: "900000000000000001",
      fileName: "invoice.pdf",
      mime: "application/pdf",
      size: 12_345,
      contentId: "a".repeat(64),
      uploaderId: "cust-a",
    };
    const added = await send("acme", {
      service: "attachments",
      ticketId: ticket.id,
      changes: [attachment],
    });
    assert.ok(added.ok, JSON.stringify(added));
    const history = await (await h.call(customerA, "GET", `/v1/tickets/${ticket.id}/history`))
      .json();
    const event = history.entries.at(-1).events[0];
    assert.deepEqual([event.type, event.fileName, event.size], [
      "AttachmentAdded",
      "invoice.pdf",
      12_345,
    ]);
    for (const to of ["solved", "closed"] as const) {
      await send("acme", {
        service: "routing",
        ticketId: ticket.id,
        changes: [{ type: "ChangeStatus", to }],
      });
    }
    const refused = await send("acme", {
      service: "attachments",
      ticketId: ticket.id,
      changes: [{ ...attachment, attachmentId: "900000000000000002" }],
    });
    assert.deepEqual(refused.ok ? "" : refused.code, "ticket_closed");
  }));
