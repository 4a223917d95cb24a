/**
 * The workspace's queue queries against real NATS JetStream and PostgreSQL: `assignee=none`,
 * several groups, and `GET /v1/tickets/counts`, scoped as the list is; EXPLAIN on the counts'
 * statement.
 * @module
 */
import assert from "node:assert/strict";
import {
  agentA,
  agentB,
  agentGoA,
  createTicket,
  customerA,
  type Harness,
  projected,
  supervisorA,
  withHarness,
} from "../../../tests/support/tickets_harness.ts";
import type { TicketScope } from "../domain/permissions.ts";
import { queueCountsStatement } from "../projections/ticket_counts.ts";

/** Three open tickets: unassigned in go, assigned to agent-a in db, unassigned in "ops". */
async function seedQueues(h: Harness) {
  const go = await createTicket(h, customerA);
  const db = await createTicket(h, customerA);
  const ops = await createTicket(h, customerA);
  const solved = await createTicket(h, customerA);
  await h.call(supervisorA, "PUT", `/v1/tickets/${go.id}/assignment`, {
    assigneeId: null,
    groupId: "go",
  });
  await h.call(supervisorA, "PUT", `/v1/tickets/${db.id}/assignment`, {
    assigneeId: "agent-a",
    groupId: "db",
  });
  await h.call(supervisorA, "PUT", `/v1/tickets/${ops.id}/assignment`, {
    assigneeId: null,
    groupId: "ops",
  });
  const last = await h.call(supervisorA, "POST", `/v1/tickets/${solved.id}/status`, {
    status: "solved",
  });
  await projected(h, (await last.json()).version);
  return { go: go.id, db: db.id, ops: ops.id, solved: solved.id };
}

const ids = async (h: Harness, who: typeof agentA, query: string) =>
  (await (await h.call(who, "GET", `/v1/tickets?${query}&sort=created_at`)).json()).tickets
    .map((t: { id: string }) => t.id);

Deno.test("GET /v1/tickets - assignee=none lists unassigned tickets; group takes several", () =>
  withHarness(async (h) => {
    const t = await seedQueues(h);
    const open = "status=new,open,pending,on_hold";
    assert.deepEqual(await ids(h, supervisorA, `assignee=none&${open}`), [t.go, t.ops]);
    assert.deepEqual(await ids(h, supervisorA, "assignee=agent-a"), [t.db]);
    assert.deepEqual(await ids(h, supervisorA, "group=go&group=db"), [t.go, t.db]);
    assert.deepEqual(await ids(h, supervisorA, "group=go,ops"), [t.go, t.ops]);
    // An agent of go and db never sees ops's ticket, whatever the filter says.
    assert.deepEqual(await ids(h, agentA, `assignee=none&${open}`), [t.go]);
  }));

Deno.test("GET /v1/tickets/counts - every queue of the caller in one answer, scoped as the list", () =>
  withHarness(async (h) => {
    await seedQueues(h);
    const counts = async (who: typeof agentA, query: string) => {
      const response = await h.call(who, "GET", `/v1/tickets/counts?${query}`);
      assert.equal(response.status, 200);
      return (await response.json()).counts;
    };
    const all = "queue=mine&queue=unassigned&queue=groups&queue=group:go&queue=group:ops";
    assert.deepEqual(await counts(agentA, all), {
      mine: 1,
      unassigned: 1, // ops's unassigned ticket is not agent-a's to see
      groups: 2,
      "group:go": 1,
      "group:ops": 0,
    });
    assert.deepEqual(await counts(agentGoA, "queue=mine,groups"), { mine: 0, groups: 1 });
    assert.deepEqual(await counts(supervisorA, "queue=unassigned&queue=group:ops"), {
      unassigned: 2,
      "group:ops": 1,
    });
    // Another tenant's open tickets are not counted.
    assert.deepEqual(await counts(agentB, "queue=unassigned"), { unassigned: 0 });
  }));

Deno.test("GET /v1/tickets/counts - a missing or unknown queue is a 400 invalid_query", () =>
  withHarness(async (h) => {
    for (const query of ["", "queue=", "queue=everything", "queue=mine&queue=group:"]) {
      const response = await h.call(agentA, "GET", `/v1/tickets/counts?${query}`);
      assert.equal(response.status, 400, query);
      const problem = await response.json();
      assert.equal(problem.code, "invalid_query");
      assert.equal(problem.param, "queue");
    }
  }));

Deno.test("GET /v1/tickets/counts - staff counts read the queue counters, a customer's own tickets a partial index", () =>
  withHarness(async (h) => {
    await seedQueues(h);
    const plan = async (scope: TicketScope) => {
      const session = await h.sql.reserve();
      try {
        await session`set enable_seqscan = off`; // a tiny table: show what the planner can use
        const rows = await session<Record<string, string>[]>`explain ${
          queueCountsStatement(session, {
            tenant: "acme",
            scope,
            actor: { id: "agent-a", groups: ["go", "db"] },
            queues: ["mine", "unassigned", "groups"],
          })
        }`;
        return rows.map((p) => Object.values(p)[0]).join("\n");
      } finally {
        await session`reset enable_seqscan`;
        session.release();
      }
    };
    const staff = await plan({ kind: "groups", groups: ["go", "db"], assigneeId: "agent-a" });
    assert.equal(staff.match(/on ticket_queue_counts\b/g)?.length, 3, staff);
    assert.ok(!/on tickets\b/.test(staff), `no ticket row is read:\n${staff}`);
    const own = await plan({ kind: "own", requesterId: "customer-a" });
    assert.ok(!/on ticket_queue_counts/.test(own), own);
  }));

Deno.test("GET /v1/tickets - id=a&id=b reads just those tickets in one request, still scoped; more than TICKETD_MAX_LIST_IDS is a 400", () =>
  withHarness(async (h) => {
    const t = await seedQueues(h);
    assert.deepEqual(await ids(h, supervisorA, `id=${t.go}&id=${t.ops}`), [t.go, t.ops]);
    assert.deepEqual(await ids(h, supervisorA, `id=${t.db},${t.solved}&status=solved`), [
      t.solved,
    ]);
    // An agent of go and db asking for ops's ticket gets only what they may see.
    assert.deepEqual(await ids(h, agentA, `id=${t.go}&id=${t.ops}`), [t.go]);
    for (const query of ["id=1&id=2&id=3", "id=abc", "id="]) {
      const response = await h.call(supervisorA, "GET", `/v1/tickets?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal((await response.json()).code, "invalid_query");
    }
  }, { TICKETD_MAX_LIST_IDS: "2" }));
