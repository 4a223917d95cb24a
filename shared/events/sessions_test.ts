import assert from "node:assert/strict";
import {
  conversationLiveSubject,
  conversationSubject,
  decodeConversationEvent,
  encodeConversationEvent,
  type SealedConversationEvent,
} from "./sessions.ts";

const posted: SealedConversationEvent = {
  type: "message",
  seq: 3,
  at: "2026-06-01T14:00:00.000Z",
  from: { role: "customer", id: "cust-1" },
  messageId: "77",
  text: "enc:v2:A256GCM:k:iv:ct",
};

function bytesOf(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

Deno.test("encodeConversationEvent/decodeConversationEvent - a message survives as ConversationMessagePosted v1", () => {
  const bytes = encodeConversationEvent(posted);
  const stored = JSON.parse(new TextDecoder().decode(bytes));
  assert.equal(stored.type, "ConversationMessagePosted");
  assert.equal(stored.v, 1);
  assert.deepEqual(decodeConversationEvent(bytes), posted);
});

Deno.test("encodeConversationEvent - every event type round-trips to its short name", () => {
  const from = { role: "agent", id: "a-1" } as const;
  const at = "2026-06-01T14:00:00.000Z";
  const events: SealedConversationEvent[] = [
    { type: "joined", seq: 1, at, from },
    { type: "left", seq: 2, at, from },
    { type: "typing", seq: 3, at, from },
    { type: "read", seq: 4, at, from, upToSeq: 3 },
    { type: "handed_off", seq: 5, at, from, ticketId: null, reason: "unsure" },
    { type: "closed", seq: 6, at, from, reason: "agent" },
  ];
  for (const event of events) {
    assert.deepEqual(decodeConversationEvent(encodeConversationEvent(event)), event);
  }
});

Deno.test("decodeConversationEvent - an event stored before ip and requestId existed still decodes, without them", () => {
  const old = {
    type: "ParticipantJoined",
    v: 1,
    data: { seq: 1, at: "2026-01-02T03:04:05.000Z", from: { role: "customer", id: "cust-1" } },
  };
  const decoded = decodeConversationEvent(bytesOf(old));
  assert.deepEqual(decoded, { type: "joined", ...old.data });
  assert.equal("ip" in decoded, false);
});

Deno.test("decodeConversationEvent - an event's source is kept, and an oversized address is refused", () => {
  const sourced = { ...posted, ip: "2001:db8::1", requestId: "req-7" };
  assert.deepEqual(decodeConversationEvent(encodeConversationEvent(sourced)), sourced);
  const huge = { type: "ParticipantTyping", v: 1, data: { ...posted, ip: "x".repeat(65) } };
  assert.throws(() => decodeConversationEvent(bytesOf(huge)));
});

Deno.test("decodeConversationEvent - plaintext where sealed text belongs is refused", () => {
  const stored = { type: "ConversationMessagePosted", v: 1, data: { ...posted, text: "hello" } };
  assert.throws(() => decodeConversationEvent(bytesOf(stored)));
});

Deno.test("decodeConversationEvent - an unknown type or a newer version is refused", () => {
  assert.throws(
    () => decodeConversationEvent(bytesOf({ type: "ConversationForked", v: 1, data: {} })),
    /Unknown sessions event type/,
  );
  const newer = {
    type: "ParticipantJoined",
    v: 2,
    data: { seq: 1, at: posted.at, from: posted.from },
  };
  assert.throws(() => decodeConversationEvent(bytesOf(newer)), /knows up to v1/);
});

Deno.test("conversationSubject - log and live subjects carry tenant and conversation id", () => {
  assert.equal(conversationSubject("acme", "42"), "sessions.events.acme.42");
  assert.equal(conversationLiveSubject("acme", "42"), "sessions.live.acme.42");
});
