import assert from "node:assert/strict";
import {
  type Activity,
  activityMessageId,
  activitySubject,
  decodeActivity,
  encodeActivity,
} from "./activity.ts";

const read: Activity = {
  id: "7311",
  at: "2026-12-03T10:00:00.000Z",
  tenant: "acme",
  actor: { id: "agent-7", role: "agent" },
  action: "tickets.ticket.read",
  target: { type: "ticket", id: "42" },
  outcome: "ok",
  source: { ip: "10.0.0.5", requestId: "req-1" },
};

Deno.test("encodeActivity/decodeActivity - a fact survives the round trip as v1", () => {
  const bytes = encodeActivity(read);
  assert.equal(JSON.parse(new TextDecoder().decode(bytes)).v, 1);
  assert.deepEqual(decodeActivity(bytes), read);
});

Deno.test("encodeActivity - an action off the service.noun.verb form is refused", () => {
  assert.throws(() => encodeActivity({ ...read, action: "read ticket" }));
});

Deno.test("encodeActivity - a change value that could carry a body is refused", () => {
  assert.throws(() => encodeActivity({ ...read, changes: { subject: "x".repeat(257) } }));
});

Deno.test("decodeActivity - an unknown type or a newer version is refused", () => {
  const unknown = new TextEncoder().encode(JSON.stringify({ type: "Gossip", v: 1, data: {} }));
  assert.throws(() => decodeActivity(unknown), /Unknown activity event type/);
  const newer = new TextEncoder().encode(
    JSON.stringify({ type: "ActivityRecorded", v: 2, data: read }),
  );
  assert.throws(() => decodeActivity(newer), /knows up to v1/);
});

Deno.test("activitySubject/activityMessageId - facts land per tenant and service, once by id", () => {
  assert.equal(activitySubject("acme", "tickets"), "activity.acme.tickets");
  assert.equal(activityMessageId(read), "activity:7311");
});
