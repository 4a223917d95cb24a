import assert from "node:assert/strict";
import type { RoutingTicket } from "../routing_ticket.ts";
import { evolveSla, recordIssued, slaStateFromTicket } from "./sla_state.ts";
import { history, utc } from "./testing.ts";

Deno.test("evolveSla - pending and on_hold close a running stretch, open starts a new one", () => {
  const state = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T11:00:00Z", status: "pending" },
    { at: "2026-06-01T12:00:00Z", status: "on_hold" },
    { at: "2026-06-01T13:00:00Z", status: "open" },
  );
  assert.deepEqual(state.runs, [utc("2026-06-01T10:00:00Z"), utc("2026-06-01T11:00:00Z")]);
  assert.equal(state.runningSince, utc("2026-06-01T13:00:00Z"));
});

Deno.test("evolveSla - a change stamped before the last one is taken as happening then", () => {
  const state = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T11:00:00Z", status: "open" },
    { at: "2026-06-01T10:59:00Z", status: "pending" },
  );
  assert.deepEqual(state.runs, [utc("2026-06-01T10:00:00Z"), utc("2026-06-01T11:00:00Z")]);
});

Deno.test("evolveSla - the first reply is kept, solved then closed keeps the solve time", () => {
  const state = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T10:10:00Z", status: "open", firstResponseAt: "2026-06-01T10:10:00Z" },
    { at: "2026-06-01T11:00:00Z", status: "solved" },
    { at: "2026-06-02T11:00:00Z", status: "closed" },
  );
  assert.equal(state.firstResponseAt, utc("2026-06-01T10:10:00Z"));
  assert.equal(state.solvedAt, utc("2026-06-01T11:00:00Z"));
});

Deno.test("recordIssued - remembers a key once", () => {
  const state = history({ at: "2026-06-01T10:00:00Z" });
  const once = recordIssued(state, "resolution:breach:x");
  assert.deepEqual(recordIssued(once, "resolution:breach:x").issued, ["resolution:breach:x"]);
});

Deno.test("slaStateFromTicket - a solved ticket without history ran from creation to its solve", () => {
  const ticket = {
    createdAt: "2026-06-01T10:00:00.000Z",
    updatedAt: "2026-06-01T12:00:00.000Z",
    solvedAt: "2026-06-01T11:00:00.000Z",
    status: "solved",
    priority: "high",
    firstResponseAt: null,
  } as unknown as RoutingTicket;
  const state = evolveSla(undefined, {
    at: ticket.createdAt,
    status: "new",
    priority: "high",
    firstResponseAt: null,
  });
  assert.deepEqual(slaStateFromTicket(ticket).runs, [state.createdAt, utc("2026-06-01T11:00:00Z")]);
  assert.equal(slaStateFromTicket(ticket).solvedAt, utc("2026-06-01T11:00:00Z"));
});
