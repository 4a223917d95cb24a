/**
 * The queue counters on real PostgreSQL: after any mix of the writes the read model sees (the
 * projector's batched upsert, plain updates, deletes, a rebuild's truncate), every queue count of
 * every staff scope equals counting the open rows themselves.
 */
import assert from "node:assert/strict";
import postgres, { type Sql } from "postgres";
import { createTestDatabase } from "../../../tests/support/database.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { countQueues, OPEN_STATUSES, type QueueName } from "./ticket_counts.ts";
import type { TicketScope } from "../domain/permissions.ts";

const TENANTS = ["acme", "globex"];
const GROUPS = [null, "support", "billing", "sales"];
const AGENTS = [null, "a1", "a2", "a3"];
const STATUSES = [...OPEN_STATUSES, "solved", "closed"];

interface Row {
  tenant: string;
  id: number;
  status: string;
  groupId: string | null;
  assigneeId: string | null;
}

async function withTickets(fn: (sql: Sql) => Promise<void>) {
  const db = await createTestDatabase();
  const sql = postgres(db.url, { max: 4, onnotice: () => {} });
  try {
    await migrate(sql, "tickets", new URL("../migrations/", import.meta.url));
    await fn(sql);
  } finally {
    await sql.end();
    await db.drop();
  }
}

/** The projector's statement shape: one multi-row insert, on conflict an update. */
async function upsert(sql: Sql, rows: Row[]) {
  const values = rows.map((r) => ({
    tenant: r.tenant,
    id: r.id,
    number: r.id,
    status: r.status,
    priority: "normal",
    priority_rank: 2,
    requester_id: "c1",
    assignee_id: r.assigneeId,
    group_id: r.groupId,
    subject_sealed: "sealed",
    created_at: new Date(0),
    updated_at: new Date(),
    version: 1,
  }));
  await sql`insert into tickets ${sql(values)}
    on conflict (tenant, id) do update set status = excluded.status,
      assignee_id = excluded.assignee_id, group_id = excluded.group_id,
      updated_at = excluded.updated_at`;
}

/** The same count, row by row, written independently of the counters. */
async function countedByHand(
  sql: Sql,
  tenant: string,
  queue: QueueName,
  actor: { id: string; groups: string[] },
  scope: TicketScope,
): Promise<number> {
  const rows = await sql<Row[]>`
    select tenant, id, status, group_id as "groupId", assignee_id as "assigneeId"
    from tickets where tenant = ${tenant}`;
  return rows.filter((r) => OPEN_STATUSES.includes(r.status as typeof OPEN_STATUSES[number]))
    .filter((r) =>
      queue === "mine"
        ? r.assigneeId === actor.id
        : queue === "unassigned"
        ? r.assigneeId === null
        : queue === "groups"
        ? actor.groups.includes(r.groupId ?? "")
        : r.groupId === queue.slice("group:".length)
    )
    .filter((r) =>
      scope.kind !== "groups" || r.groupId === null || scope.groups.includes(r.groupId) ||
      r.assigneeId === scope.assigneeId
    ).length;
}

async function assertCountsMatchRows(sql: Sql, step: string) {
  const queues: QueueName[] = ["mine", "unassigned", "groups", "group:support", "group:sales"];
  for (const tenant of TENANTS) {
    for (const id of ["a1", "a2", "nobody"]) {
      const actor = { id, groups: id === "a1" ? ["support", "billing"] : ["sales"] };
      const scopes: TicketScope[] = [
        { kind: "tenant" },
        { kind: "groups", groups: actor.groups, assigneeId: id },
      ];
      for (const scope of scopes) {
        const counts = await countQueues(sql, { tenant, scope, actor, queues });
        for (const queue of queues) {
          const expected = await countedByHand(sql, tenant, queue, actor, scope);
          assert.equal(
            counts[queue],
            expected,
            `${step}: ${tenant} ${queue} as ${id} (${scope.kind})`,
          );
        }
      }
    }
  }
}

/** A small deterministic generator: the same mix of writes on every run. */
function random(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

Deno.test(
  "queue counters - after inserts, changes, deletes and a truncate each count equals the open rows",
  () =>
    withTickets(async (sql) => {
      const next = random(42);
      const pick = <T>(from: readonly T[]) => from[Math.floor(next() * from.length)];
      const row = (id: number): Row => ({
        tenant: pick(TENANTS),
        id,
        status: pick(STATUSES),
        groupId: pick(GROUPS),
        assigneeId: pick(AGENTS),
      });
      await upsert(sql, Array.from({ length: 300 }, (_, i) => row(i + 1)));
      await assertCountsMatchRows(sql, "300 created in one statement");
      for (let round = 0; round < 5; round++) {
        // A batch mixing new tickets and changes to existing ones, as the projector writes them.
        const changed = Array.from({ length: 40 }, () => Math.ceil(next() * 300));
        const batch = [...new Set(changed)].map((id) => ({ ...row(id), tenant: "acme" }));
        await sql`delete from tickets where tenant = 'globex' and id = any(${
          batch.map((b) => b.id)
        })`;
        await upsert(sql, [
          ...batch,
          ...Array.from({ length: 10 }, (_, i) => row(1000 + round * 10 + i)),
        ]);
        await sql`update tickets set status = 'solved' where tenant = 'acme' and id % 7 = ${round}`;
        await sql`update tickets set message_count = message_count + 1 where id % 3 = 0`;
        await assertCountsMatchRows(sql, `round ${round}`);
      }
      await sql`truncate tickets`;
      await assertCountsMatchRows(sql, "after a rebuild's truncate");
      assert.deepEqual([...await sql`select * from ticket_queue_counts`], [], "no counter left");
      await upsert(sql, Array.from({ length: 50 }, (_, i) => row(i + 1)));
      await assertCountsMatchRows(sql, "replayed again");
    }),
);

Deno.test("queue counters - two writers at once on the same counters lose no change", () =>
  withTickets(async (sql) => {
    // Both write tickets of one (tenant, group, assignee) in overlapping transactions.
    const writer = (from: number) =>
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          upsert(
            sql,
            Array.from({ length: 10 }, (_, j) => ({
              tenant: "acme",
              id: from + i * 10 + j,
              status: "open",
              groupId: j % 2 ? "support" : null,
              assigneeId: j % 3 ? "a1" : null,
            })),
          )),
      );
    await Promise.all([writer(0), writer(10_000)]);
    await assertCountsMatchRows(sql, "two writers");
    const [{ total }] = await sql`select sum(tickets)::int as total from ticket_queue_counts`;
    assert.equal(total, 400);
  }));

Deno.test("queue counters - tickets there before the migration are counted by it", () =>
  withTickets(async (sql) => {
    await upsert(sql, [
      { tenant: "acme", id: 1, status: "open", groupId: "support", assigneeId: "a1" },
      { tenant: "acme", id: 2, status: "new", groupId: null, assigneeId: null },
      { tenant: "acme", id: 3, status: "solved", groupId: null, assigneeId: null },
    ]);
    // As if 011 ran on a database already holding them: its backfill again from scratch.
    await sql`delete from ticket_queue_counts`;
    const migration = await Deno.readTextFile(
      new URL("../migrations/011_queue_counters.sql", import.meta.url),
    );
    await sql.unsafe(migration.slice(migration.lastIndexOf("insert into ticket_queue_counts")));
    await assertCountsMatchRows(sql, "backfilled");
  }));
