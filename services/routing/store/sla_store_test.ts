import assert from "node:assert/strict";
import postgres from "postgres";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { createTestDatabase } from "../../../tests/support/database.ts";
import type { BusinessCalendar } from "../domain/sla/calendar.ts";
import { SlaStore } from "./sla_store.ts";

/** Runs `fn` on a fresh, migrated database, dropped afterwards. */
async function withSlaStore(fn: (store: SlaStore, sql: postgres.Sql) => Promise<void>) {
  const db = await createTestDatabase();
  const sql = postgres(db.url, { max: 2, transform: postgres.camel, onnotice: () => {} });
  try {
    await migrate(sql, "routing", new URL("../migrations/", import.meta.url));
    await fn(new SlaStore(sql), sql);
  } finally {
    await sql.end();
    await db.drop();
  }
}

const berlin: BusinessCalendar = {
  timeZone: "Europe/Berlin",
  hours: { mon: ["09:00-17:00"], fri: ["22:00-06:00"] },
  holidays: [{ date: "2026-12-24", from: "12:00", name: "Heiligabend" }, { date: "2026-12-25" }],
};

Deno.test("SlaStore - a tenant without settings is always open with no targets", async () => {
  await withSlaStore(async (store) => {
    assert.equal(await store.calendar("acme"), null);
    assert.deepEqual(await store.policy("acme"), {
      calendar: { timeZone: "UTC", hours: "24x7", holidays: [] },
      targets: {},
    });
  });
});

Deno.test("SlaStore - a calendar reads back exactly as written, and a second write replaces it", async () => {
  await withSlaStore(async (store) => {
    await store.putCalendar("acme", berlin);
    assert.deepEqual(await store.calendar("acme"), berlin);
    const always: BusinessCalendar = { timeZone: "Asia/Shanghai", hours: "24x7", holidays: [] };
    await store.putCalendar("acme", always);
    assert.deepEqual(await store.calendar("acme"), always);
    assert.equal(await store.calendar("other"), null);
  });
});

Deno.test("SlaStore - putTargets replaces the tenant's targets and leaves other tenants alone", async () => {
  await withSlaStore(async (store) => {
    const urgent = { firstResponseMinutes: 15, resolutionMinutes: 240, warnAtPercent: 80 };
    const normal = { firstResponseMinutes: 120, resolutionMinutes: 2400, warnAtPercent: 75 };
    await store.putTargets("acme", { urgent, normal });
    await store.putTargets("beta", { normal });
    assert.deepEqual(await store.targets("acme"), { urgent, normal });
    await store.putTargets("acme", { urgent });
    assert.deepEqual(await store.targets("acme"), { urgent });
    assert.deepEqual(await store.targets("beta"), { normal });
    await store.putTargets("acme", {});
    assert.deepEqual(await store.targets("acme"), {});
  });
});

Deno.test("SlaStore - the table refuses a target the domain would refuse", async () => {
  await withSlaStore(async (_store, sql) => {
    await assert.rejects(
      sql`insert into routing_sla_policies (tenant, priority, first_response_minutes,
        resolution_minutes, warn_at_percent) values ('acme', 'critical', 1, 1, 50)`,
      /check constraint/,
    );
  });
});
