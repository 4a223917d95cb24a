/**
 * A custom status pauses what its category pauses: commits decided by the tickets decider, sent
 * through the stream encoding, folded by routing and fed to the SLA clock as `sla_watch.ts` does.
 * @module
 */
import assert from "node:assert/strict";
import { decodeCommit, encodeCommit, type TicketCommit } from "@ticketd/shared/events/tickets.ts";
import type { ChangeStatus } from "../services/tickets/domain/commands.ts";
import { decide } from "../services/tickets/domain/decide.ts";
import { evolve, noTicket, type Ticket } from "../services/tickets/domain/ticket.ts";
import { agent, createCommand, customer, policy } from "../services/tickets/domain/testing.ts";
import { foldCommit, type TrackedTicket } from "../services/routing/domain/ticket_fold.ts";
import { evolveSla, type SlaState } from "../services/routing/domain/sla/sla_state.ts";

const TIMES = ["2026-06-01T10:00:00.000Z", "2026-06-01T11:00:00.000Z", "2026-06-01T15:00:00.000Z"];

/** The SLA state after a create at 10:00, `moves[0]` at 11:00 and `moves[1]` at 15:00. */
function slaAfter(moves: ChangeStatus[]): { state: SlaState; routed: TrackedTicket } {
  let ticket: Ticket = noTicket;
  let routed: TrackedTicket | undefined;
  let sla: SlaState | undefined;
  const commands = [createCommand(), ...moves];
  commands.forEach((command, i) => {
    const events = decide(command, ticket, i === 0 ? customer : agent, policy);
    ticket = events.reduce(evolve, ticket);
    const commit: TicketCommit = {
      meta: {
        commandId: String(200 + i),
        tenant: "acme",
        ticketId: "100",
        at: TIMES[i],
        actorId: "x",
        actorRole: i === 0 ? "customer" : "agent",
      },
      events,
    };
    routed = foldCommit(routed, decodeCommit(encodeCommit(commit)), i + 1)!;
    sla = evolveSla(sla, {
      at: sla ? routed.updatedAt : routed.createdAt,
      status: routed.status,
      priority: routed.priority,
      firstResponseAt: routed.firstResponseAt,
    });
  });
  return { state: sla!, routed: routed! };
}

Deno.test("SLA - a custom 'Waiting on vendor' (pending) pauses the resolution clock as pending does", () => {
  const vendor = slaAfter([{ type: "ChangeStatus", to: "pending", customStatusId: "900" }]);
  const pending = slaAfter([{ type: "ChangeStatus", to: "pending" }]);
  assert.equal(vendor.routed.status, "pending");
  assert.equal(vendor.state.runningSince, null);
  assert.deepEqual(vendor.state.runs, [Date.parse(TIMES[0]), Date.parse(TIMES[1])]);
  assert.deepEqual(vendor.state, pending.state);
});

Deno.test("SLA - moving between custom statuses of one category keeps the clock paused", () => {
  const { state } = slaAfter([
    { type: "ChangeStatus", to: "pending", customStatusId: "900" },
    { type: "ChangeStatus", to: "pending", customStatusId: "901" },
  ]);
  assert.equal(state.runningSince, null);
  assert.deepEqual(state.runs, [Date.parse(TIMES[0]), Date.parse(TIMES[1])]);
});

Deno.test("SLA - a custom status in open keeps the clock running", () => {
  const { state } = slaAfter([{ type: "ChangeStatus", to: "open", customStatusId: "902" }]);
  assert.equal(state.runningSince, Date.parse(TIMES[0]));
  assert.deepEqual(state.runs, []);
});
