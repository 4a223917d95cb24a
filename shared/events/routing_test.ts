import assert from "node:assert/strict";
import {
  decodeRoutingEvent,
  encodeRoutingEvent,
  type RoutingEvent,
  routingSubject,
  slaMessageId,
} from "./routing.ts";

const breach: RoutingEvent = {
  type: "SlaBreached",
  data: {
    ticketId: "42",
    tenant: "acme",
    target: "resolution",
    dueAt: "2026-06-01T14:00:00.000Z",
    policyPriority: "high",
  },
};

Deno.test("encodeRoutingEvent/decodeRoutingEvent - an SLA event survives the round trip as v1", () => {
  const bytes = encodeRoutingEvent(breach);
  assert.equal(JSON.parse(new TextDecoder().decode(bytes)).v, 1);
  assert.deepEqual(decodeRoutingEvent(bytes), breach);
});

Deno.test("decodeRoutingEvent - a target off the schema is refused", () => {
  const bad = new TextEncoder().encode(JSON.stringify({
    type: "SlaWarningIssued",
    v: 1,
    data: { ...breach.data, target: "lunch" },
  }));
  assert.throws(() => decodeRoutingEvent(bad));
});

Deno.test("decodeRoutingEvent - an unknown type or a newer version is refused", () => {
  const unknown = new TextEncoder().encode(JSON.stringify({ type: "SlaForgiven", v: 1, data: {} }));
  assert.throws(() => decodeRoutingEvent(unknown), /Unknown routing event type/);
  const newer = new TextEncoder().encode(JSON.stringify({ ...breach, v: 2 }));
  assert.throws(() => decodeRoutingEvent(newer), /knows up to v1/);
});

Deno.test("routingSubject - routing events live under routing.events, apart from presence", () => {
  assert.equal(routingSubject("acme", "42"), "routing.events.acme.42");
});

Deno.test("slaMessageId - the same alarm always gets the same id, each stage its own", () => {
  assert.equal(slaMessageId(breach), "sla:acme:42:resolution:breach:2026-06-01T14:00:00.000Z");
  const warning: RoutingEvent = { type: "SlaWarningIssued", data: breach.data };
  assert.equal(slaMessageId(warning), "sla:acme:42:resolution:warning:2026-06-01T14:00:00.000Z");
});
