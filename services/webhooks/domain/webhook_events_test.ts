import assert from "node:assert/strict";
import { encodeRoutingEvent } from "@ticketd/shared/events/routing.ts";
import { encodeConversationEvent } from "@ticketd/shared/events/sessions.ts";
import { encodeCommit } from "@ticketd/shared/events/tickets.ts";
import { isEventPattern, matchesAny, publicEventName } from "./event_types.ts";
import { webhookEvents } from "./webhook_events.ts";

const meta = {
  commandId: "11",
  tenant: "acme",
  ticketId: "42",
  at: "2026-01-02T03:04:05.000Z",
  actorId: "agent-1",
  actorRole: "agent" as const,
  ip: "203.0.113.9",
};
const storedAt = "2026-01-02T03:04:06.000Z";

Deno.test("webhookEvents - a ticket commit gives one event per event, ids by stream place, no sealed text or IP", () => {
  const data = encodeCommit({
    meta,
    events: [
      { type: "TicketStatusChanged", data: { from: "new", to: "open" } },
      {
        type: "MessagePosted",
        data: {
          messageId: "7",
          authorId: "agent-1",
          authorRole: "agent",
          internal: false,
          body: "enc:v2:A256GCM:k:iv:ct",
        },
      },
    ],
  });
  const events = webhookEvents("tickets", {
    stream: "TICKETS",
    seq: 9,
    subject: "tickets.acme.42",
    data,
    storedAt,
  });
  assert.deepEqual(events.map((e) => [e.id, e.type]), [
    ["TICKETS:9:0", "ticket.status_changed"],
    ["TICKETS:9:1", "ticket.message_posted"],
  ]);
  assert.equal(events[1].tenant, "acme");
  assert.equal(events[1].ticketId, "42");
  assert.deepEqual(events[1].sealedFields, ["body"]);
  assert.equal("body" in events[1].data, false);
  assert.equal(JSON.stringify(events).includes("enc:"), false);
  assert.equal(JSON.stringify(events).includes("203.0.113.9"), false);
  assert.equal(events[0].occurredAt, meta.at);
});

Deno.test("webhookEvents - an SLA breach names its tenant and ticket, timed by the stream", () => {
  const data = encodeRoutingEvent({
    type: "SlaBreached",
    data: {
      tenant: "acme",
      ticketId: "42",
      target: "resolution",
      dueAt: "2026-01-02T00:00:00.000Z",
      policyPriority: "high",
    },
  });
  const [event] = webhookEvents("routing", {
    stream: "ROUTING",
    seq: 3,
    subject: "routing.events.acme.42",
    data,
    storedAt,
  });
  assert.equal(event.type, "sla.breached");
  assert.equal(event.id, "ROUTING:3:0");
  assert.equal(event.occurredAt, storedAt);
  assert.equal(event.data.target, "resolution");
});

Deno.test("webhookEvents - a conversation message keeps its ids and leaves its text out", () => {
  const data = encodeConversationEvent({
    type: "message",
    seq: 2,
    at: "2026-01-02T03:04:05.000Z",
    from: { role: "customer", id: "c-1" },
    ip: "203.0.113.9",
    messageId: "77",
    text: "enc:v2:A256GCM:k:iv:ct",
  });
  const [event] = webhookEvents("sessions", {
    stream: "SESSIONS",
    seq: 5,
    subject: "sessions.events.acme.900",
    data,
    storedAt,
  });
  assert.equal(event.type, "conversation.message_posted");
  assert.equal(event.tenant, "acme");
  assert.equal(event.conversationId, "900");
  assert.equal(event.ticketId, null);
  assert.deepEqual(event.sealedFields, ["text"]);
  assert.equal(JSON.stringify(event).includes("203.0.113.9"), false);
});

Deno.test("event patterns - exact names, family wildcards and * match; unknown ones are refused", () => {
  assert.equal(isEventPattern("ticket.*"), true);
  assert.equal(isEventPattern("ticket.created"), true);
  assert.equal(isEventPattern("*"), true);
  assert.equal(isEventPattern("ticket.nope"), false);
  assert.equal(isEventPattern("nope.*"), false);
  assert.equal(matchesAny(["ticket.*"], "ticket.created"), true);
  assert.equal(matchesAny(["ticket.*"], "sla.breached"), false);
  assert.equal(matchesAny(["sla.breached"], "sla.breached"), true);
  assert.equal(matchesAny(["*"], "conversation.closed"), true);
});

Deno.test("publicEventName - family, dot, snake case without the family's word", () => {
  assert.equal(publicEventName("tickets", "TicketCreated"), "ticket.created");
  assert.equal(publicEventName("tickets", "MessagePosted"), "ticket.message_posted");
  assert.equal(publicEventName("routing", "SlaWarningIssued"), "sla.warning_issued");
  assert.equal(publicEventName("sessions", "ConversationClosed"), "conversation.closed");
  assert.equal(publicEventName("sessions", "ParticipantJoined"), "conversation.participant_joined");
});
