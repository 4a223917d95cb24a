import assert from "node:assert/strict";
import { decodeCommit, encodeCommit, type TicketCommit } from "./tickets.ts";

const commit: TicketCommit = {
  meta: {
    commandId: "7",
    tenant: "acme",
    ticketId: "42",
    at: "2026-01-02T03:04:05.000Z",
    actorId: "u1",
    actorRole: "agent",
  },
  events: [
    { type: "TicketStatusChanged", data: { from: "new", to: "open" } },
    { type: "TicketTagsChanged", data: { added: ["vip"], removed: [] } },
  ],
};

Deno.test("encodeCommit/decodeCommit - a commit survives the round trip with versions attached", () => {
  const bytes = encodeCommit(commit);
  const stored = JSON.parse(new TextDecoder().decode(bytes));
  assert.deepEqual(stored.events.map((e: { v: number }) => e.v), [2, 1]);
  assert.deepEqual(decodeCommit(bytes), commit);
});

Deno.test("decodeCommit - an event with a payload off its schema is refused", () => {
  const bad = new TextEncoder().encode(JSON.stringify({
    meta: commit.meta,
    events: [{ type: "TicketStatusChanged", v: 1, data: { from: "new", to: "gone" } }],
  }));
  assert.throws(() => decodeCommit(bad));
});

Deno.test("decodeCommit - an unknown event type is refused", () => {
  const bad = new TextEncoder().encode(JSON.stringify({
    meta: commit.meta,
    events: [{ type: "TicketExploded", v: 1, data: {} }],
  }));
  assert.throws(() => decodeCommit(bad), /Unknown ticket event type/);
});

Deno.test("decodeCommit - a commit stored before meta kept ip and requestId still decodes", () => {
  const old = new TextEncoder().encode(JSON.stringify({
    meta: commit.meta,
    events: [{ type: "TicketStatusChanged", v: 1, data: { from: "new", to: "open" } }],
  }));
  const decoded = decodeCommit(old);
  assert.equal(decoded.meta.ip, undefined);
  assert.equal(decoded.meta.requestId, undefined);
});

Deno.test("encodeCommit/decodeCommit - the source address and request id survive the round trip", () => {
  const sourced = { ...commit, meta: { ...commit.meta, ip: "10.0.0.5", requestId: "req-1" } };
  assert.deepEqual(decodeCommit(encodeCommit(sourced)).meta, sourced.meta);
});

Deno.test("decodeCommit - a v1 status change reads as v2 with no custom status", () => {
  const old = new TextEncoder().encode(JSON.stringify({
    meta: commit.meta,
    events: [{ type: "TicketStatusChanged", v: 1, data: { from: "open", to: "pending" } }],
  }));
  assert.deepEqual(decodeCommit(old).events, [
    { type: "TicketStatusChanged", data: { from: "open", to: "pending", customStatusId: null } },
  ]);
});
