import { deepEqual, equal, ok } from "node:assert/strict";
import { encodeActivity } from "@ticketd/shared/events/activity.ts";
import { encodeCommit } from "@ticketd/shared/events/tickets.ts";
import { encodeConversationEvent } from "@ticketd/shared/events/sessions.ts";
import { entryOf, type SourceMessage } from "./source_entries.ts";

const encoder = new TextEncoder();

function message(stream: string, subject: string, data: Uint8Array): SourceMessage {
  return { stream, seq: 42, subject, data, storedAtMs: Date.UTC(2026, 1, 1) };
}

const commit = encodeCommit({
  meta: {
    commandId: "11",
    tenant: "acme",
    ticketId: "77",
    at: "2026-01-02T03:04:05.000Z",
    actorId: "agent-a",
    actorRole: "agent",
  },
  events: [
    {
      type: "MessagePosted",
      data: {
        messageId: "5",
        authorId: "agent-a",
        authorRole: "agent",
        internal: true,
        body: "enc:v1:secret",
      },
    },
    { type: "TicketFieldsChanged", data: { fields: { order_id: 12 } } },
  ],
});

Deno.test("entryOf - a ticket commit keeps event types and field names, never the sealed text", () => {
  const entry = entryOf("tickets", message("TICKETS", "tickets.acme.77", commit));
  deepEqual(entry, {
    tenant: "acme",
    source: { stream: "TICKETS", seq: 42 },
    at: "2026-01-02T03:04:05.000Z",
    actor: { id: "agent-a", role: "agent" },
    action: "tickets.ticket.post_message",
    target: { type: "ticket", id: "77" },
    outcome: "ok",
    ip: null,
    requestId: null,
    changes: {
      events: ["MessagePosted", "TicketFieldsChanged"],
      fields: [
        "authorId",
        "authorRole",
        "body",
        "fields",
        "fields.order_id",
        "internal",
        "messageId",
      ],
    },
  });
  ok(!JSON.stringify(entry).includes("enc:"));
});

Deno.test("entryOf - a commit's ip and request id are read when its meta has them", () => {
  const raw = JSON.parse(new TextDecoder().decode(commit));
  raw.meta.ip = "198.51.100.7";
  raw.meta.requestId = "req-9";
  const entry = entryOf(
    "tickets",
    message("TICKETS", "tickets.acme.77", encoder.encode(JSON.stringify(raw))),
  );
  equal(entry.ip, "198.51.100.7");
  equal(entry.requestId, "req-9");
});

Deno.test("entryOf - a relayed commit names the relaying service beside the customer who acted", () => {
  const raw = JSON.parse(new TextDecoder().decode(commit));
  Object.assign(raw.meta, { actorId: "email:ann@example.com", actorRole: "customer" });
  raw.meta.relayedBy = "svc:email";
  const entry = entryOf(
    "tickets",
    message("TICKETS", "tickets.acme.77", encoder.encode(JSON.stringify(raw))),
  );
  deepEqual(entry.actor, { id: "email:ann@example.com", role: "customer" });
  equal(entry.changes?.relayedBy, "svc:email");
  const direct = entryOf("tickets", message("TICKETS", "tickets.acme.77", commit));
  ok(!("relayedBy" in (direct.changes ?? {})), "a direct commit's entry is as before");
});

Deno.test("entryOf - a conversation message names its fields without its text", () => {
  const data = encodeConversationEvent({
    type: "message",
    seq: 3,
    at: "2026-01-02T03:04:05.000Z",
    from: { role: "customer", id: "cust-1" },
    messageId: "9",
    text: "enc:v1:hello",
  });
  const entry = entryOf("sessions", message("SESSIONS", "sessions.events.acme.c1", data));
  equal(entry.action, "sessions.conversation.post_message");
  deepEqual(entry.target, { type: "conversation", id: "c1" });
  deepEqual(entry.changes, { events: ["message"], fields: ["messageId", "text"] });
});

Deno.test("entryOf - a conversation event's ip and request id are read; an older event has none", () => {
  const joined = {
    type: "joined",
    seq: 1,
    at: "2026-01-02T03:04:05.000Z",
    from: { role: "customer", id: "cust-1" },
  } as const;
  const subject = "sessions.events.acme.c1";
  const sourced = encodeConversationEvent({ ...joined, ip: "203.0.113.9", requestId: "req-1" });
  const entry = entryOf("sessions", message("SESSIONS", subject, sourced));
  equal(entry.ip, "203.0.113.9");
  equal(entry.requestId, "req-1");
  deepEqual(entry.changes, { events: ["joined"], fields: [] }, "the source is not a change");
  const older = entryOf("sessions", message("SESSIONS", subject, encodeConversationEvent(joined)));
  equal(older.ip, null);
  equal(older.requestId, null);
});

Deno.test("entryOf - an activity fact is taken as recorded", () => {
  const data = encodeActivity({
    id: "123",
    at: "2026-01-02T03:04:05.000Z",
    tenant: "acme",
    actor: { id: "audit-a", role: "auditor" },
    action: "tickets.ticket.read",
    target: { type: "ticket", id: "77" },
    outcome: "denied",
    source: { ip: "203.0.113.5", requestId: "r1" },
    changes: { status: "open" },
  });
  const entry = entryOf("activity", message("ACTIVITY", "activity.acme.tickets", data));
  equal(entry.outcome, "denied");
  equal(entry.ip, "203.0.113.5");
  deepEqual(entry.changes, { status: "open" });
});

Deno.test("entryOf - an undecodable message still gets an entry at the stream's time", () => {
  const entry = entryOf("tickets", message("TICKETS", "tickets.acme.77", encoder.encode("{oops")));
  equal(entry.action, "audit.message.undecodable");
  equal(entry.tenant, "acme");
  equal(entry.at, "2026-02-01T00:00:00.000Z");
});
