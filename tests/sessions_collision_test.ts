/**
 * Collision presence over the real sessions socket and claim routes, beside the real tickets
 * service (its access answers decide who may take part) on real NATS and PostgreSQL: two agents
 * see each other view and type, a claim is 409 for the other and ends when the ticket is
 * solved; a customer and an agent who may not see the ticket are refused.
 * @module
 */
import assert from "node:assert/strict";
import {
  agentA,
  agentGoA,
  type Caller,
  createTicket,
  customerA,
  supervisorA,
  withHarness,
} from "./support/tickets_harness.ts";
import { startSessions } from "./support/sessions_harness.ts";

const agentDb: Caller = { sub: "agent-db", role: "agent", tenant: "acme", groups: ["db"] };

Deno.test("collision - agents who may see a ticket see each other viewing and typing; others are refused", () =>
  withHarness(async (h) => {
    const sessions = await startSessions(h);
    try {
      const { id } = await createTicket(h, supervisorA, { requesterId: "cust-a", groupId: "db" });
      const first = await sessions.socket(agentA);
      first.send({ type: "ticket_watch", ticketId: id });
      const alone = await first.next((f) => f.type === "collision" && f.viewers !== undefined);
      assert.deepEqual(alone.viewers.map((v: { agentId: string }) => v.agentId), ["agent-a"]);
      assert.equal(alone.claim, null);

      const second = await sessions.socket(agentDb);
      second.send({ type: "ticket_watch", ticketId: id });
      const snapshot = await second.next((f) => f.type === "collision" && f.viewers !== undefined);
      assert.deepEqual(snapshot.viewers.map((v: { agentId: string }) => v.agentId).sort(), [
        "agent-a",
        "agent-db",
      ]);
      const arrived = await first.next((f) => f.signal?.agentId === "agent-db");
      assert.equal(arrived.signal.state, "viewing");
      assert.ok(Date.parse(arrived.signal.expiresAt) > Date.now());

      second.send({ type: "ticket_typing", ticketId: id });
      await first.next((f) => f.signal?.agentId === "agent-db" && f.signal.state === "typing");

      // Out of sight (another group) and customers: refused, and told nothing.
      const outsider = await sessions.socket(agentGoA);
      outsider.send({ type: "ticket_watch", ticketId: id });
      assert.equal((await outsider.next((f) => f.type === "error")).code, "ticket_not_found");
      const customer = await sessions.socket(customerA);
      customer.send({ type: "ticket_watch", ticketId: id });
      assert.equal((await customer.next((f) => f.type === "error")).code, "forbidden");
      const refused = await sessions.call(customerA, "PUT", `/v1/tickets/${id}/claim`);
      assert.equal(refused.status, 403);
      await refused.body?.cancel();

      second.close();
      await first.next((f) => f.signal?.agentId === "agent-db" && f.signal.state === "left");
      for (const socket of [outsider, customer]) {
        const frames = await socket.drain(100);
        assert.equal(frames.some((f) => f.type === "collision"), false);
        socket.close();
      }
      first.close();
    } finally {
      await sessions.stop();
    }
  }));

Deno.test("collision - on ticket_watch the viewers snapshot comes before any live signal, and signals sent meanwhile follow it", () =>
  withHarness(async (h) => {
    const sessions = await startSessions(h);
    try {
      const { id } = await createTicket(h, customerA);
      const other = await sessions.socket(agentDb);
      other.send({ type: "ticket_watch", ticketId: id });
      await other.next((f) => f.type === "collision" && f.viewers !== undefined, 10_000);
      for (let round = 0; round < 3; round++) {
        const watcher = await sessions.socket(agentA);
        watcher.send({ type: "ticket_watch", ticketId: id });
        other.send({ type: "ticket_typing", ticketId: id });
        const frames = await watcher.until(
          (f) => f.type === "collision" && f.viewers !== undefined,
          10_000,
        );
        const collision = frames.filter((f) => f.type === "collision");
        assert.equal(collision.length, 1, JSON.stringify(collision));
        // The socket's own arrival, published before the snapshot was read, still follows it.
        await watcher.next((f) => f.signal?.agentId === "agent-a", 10_000);
        watcher.close();
        await other.next(
          (f) => f.signal?.agentId === "agent-a" && f.signal.state === "left",
          10_000,
        );
      }
      other.close();
    } finally {
      await sessions.stop();
    }
  }));

Deno.test("collision - a claim is 409 claimed for another agent and ends when the ticket is solved", () =>
  withHarness(async (h) => {
    const sessions = await startSessions(h);
    try {
      const { id } = await createTicket(h, customerA);
      const watcher = await sessions.socket(agentDb);
      watcher.send({ type: "ticket_watch", ticketId: id });
      await watcher.next((f) => f.type === "collision" && f.viewers !== undefined);

      const taken = await sessions.call(agentA, "PUT", `/v1/tickets/${id}/claim`);
      assert.equal(taken.status, 200);
      const { claim } = await taken.json();
      assert.equal(claim.agentId, "agent-a");
      const seen = await watcher.next((f) => f.claim?.agentId === "agent-a");
      assert.equal(seen.claim.until, claim.until);

      const second = await sessions.call(agentDb, "PUT", `/v1/tickets/${id}/claim`);
      assert.equal(second.status, 409);
      const problem = await second.json();
      assert.deepEqual([problem.code, problem.heldBy], ["claimed", "agent-a"]);

      const solved = await h.call(agentA, "POST", `/v1/tickets/${id}/status`, { status: "solved" });
      assert.equal(solved.status, 200, await solved.text());
      await watcher.next((f) => f.type === "collision" && f.claim === null, 5_000);
      const free = await sessions.call(agentDb, "PUT", `/v1/tickets/${id}/claim`);
      assert.equal(free.status, 200, "the claim ended with the solve");
      await free.body?.cancel();
      watcher.close();
    } finally {
      await sessions.stop();
    }
  }));
