/**
 * `GET /routing/sla/at-risk` through `app.request()`, the policy from a real PostgreSQL database.
 * @module
 */
import assert from "node:assert/strict";
import type { RoutingTicket } from "../domain/routing_ticket.ts";
import type { SlaState } from "../domain/sla/sla_state.ts";
import { history } from "../domain/sla/testing.ts";
import { SlaStore } from "../store/sla_store.ts";
import { slaAtRiskRoutes } from "./sla_at_risk_routes.ts";
import {
  callRoutes,
  type TestCall as Call,
  type TestReply,
  withRoutingDatabase,
} from "./testing.ts";

const NOW = Date.parse("2026-06-01T12:00:00Z");

const states = new Map<string, SlaState>([
  // normal, no reply: first response due 12:30.
  ["21", history({ at: "2026-06-01T11:30:00Z" })],
  // urgent, no reply: first response was due 11:15 (breached).
  ["22", history({ at: "2026-06-01T11:00:00Z", priority: "urgent" })],
  // replied: resolution due 15:50, outside an hour.
  [
    "23",
    history({ at: "2026-06-01T11:50:00Z" }, {
      at: "2026-06-01T11:55:00Z",
      status: "open",
      firstResponseAt: "2026-06-01T11:55:00Z",
    }),
  ],
  // replied: resolution due 13:00, exactly an hour away.
  [
    "25",
    history({ at: "2026-06-01T09:00:00Z" }, {
      at: "2026-06-01T09:10:00Z",
      status: "open",
      firstResponseAt: "2026-06-01T09:10:00Z",
    }),
  ],
]);

const view = (ticketId: string, groupId: string | null) =>
  ({ tenant: "acme", ticketId, groupId, assigneeId: null }) as unknown as RoutingTicket;
const views = new Map([
  ["21", view("21", null)],
  ["22", view("22", "billing")],
  ["23", view("23", null)],
  ["25", view("25", "go")],
]);

async function withRoutes(fn: (call: Call) => Promise<void>): Promise<void> {
  await withRoutingDatabase(async (sql) => {
    const store = new SlaStore(sql);
    await store.putTargets("acme", {
      normal: { firstResponseMinutes: 60, resolutionMinutes: 240, warnAtPercent: 50 },
      urgent: { firstResponseMinutes: 15, resolutionMinutes: 60, warnAtPercent: 50 },
    });
    await fn(callRoutes(slaAtRiskRoutes({
      states: (tenant) => tenant === "acme" ? states : [],
      policy: (tenant) => store.policy(tenant),
      ticketView: (tenant, id) => Promise.resolve(tenant === "acme" ? views.get(id) : undefined),
      tracked: (tenant, id) => tenant === "acme" ? views.get(id) : undefined,
      now: () => NOW,
      maxPageSize: 200,
    })));
  });
}

const listed = (json: TestReply["json"]) =>
  json.tickets.map((t: { ticketId: string; target: string; breached: boolean }) =>
    `${t.ticketId}:${t.target}${t.breached ? ":breached" : ""}`
  );

Deno.test("GET /routing/sla/at-risk - running clocks due within the window or overdue, earliest first", async () => {
  await withRoutes(async (call) => {
    const hour = await call("GET", "/routing/sla/at-risk?within=60");
    assert.equal(hour.status, 200);
    assert.deepEqual(listed(hour.json), [
      "22:first_response:breached",
      "21:first_response",
      "25:resolution",
    ]);
    assert.equal(hour.json.tickets[0].dueAt, "2026-06-01T11:15:00.000Z");
    assert.equal(hour.json.nextCursor, null);
    const overdue = await call("GET", "/routing/sla/at-risk?within=0");
    assert.deepEqual(listed(overdue.json), ["22:first_response:breached"]);
    const other = await call("GET", "/routing/sla/at-risk", { as: "agent:7@globex" });
    assert.deepEqual(other.json.tickets, []);
  });
});

Deno.test("GET /routing/sla/at-risk - an agent gets only the tickets they can see", async () => {
  await withRoutes(async (call) => {
    const mine = await call("GET", "/routing/sla/at-risk?within=60", { as: "agent:7#go" });
    assert.deepEqual(listed(mine.json), ["21:first_response", "25:resolution"]);
    const auditor = await call("GET", "/routing/sla/at-risk", { as: "auditor:8" });
    assert.equal(auditor.status, 403);
    assert.equal(auditor.json.code, "forbidden");
  });
});

Deno.test("GET /routing/sla/at-risk - the cursor walks every ticket once", async () => {
  await withRoutes(async (call) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: TestReply = await call(
        "GET",
        `/routing/sla/at-risk?within=60&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...listed(page.json));
      cursor = page.json.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ["22:first_response:breached", "21:first_response", "25:resolution"]);
  });
});

Deno.test("GET /routing/sla/at-risk - a bad within, limit or cursor is a 400 with its code", async () => {
  await withRoutes(async (call) => {
    for (
      const [query, code] of [
        ["within=soon", "invalid_within"],
        ["within=-5", "invalid_within"],
        ["within=100000", "invalid_within"],
        ["limit=0", "invalid_limit"],
        ["limit=201", "invalid_limit"],
        ["cursor=12", "invalid_cursor"],
      ]
    ) {
      const reply = await call("GET", `/routing/sla/at-risk?${query}`);
      assert.equal(reply.status, 400, query);
      assert.equal(reply.json.code, code, query);
    }
  });
});

Deno.test("GET /routing/sla/at-risk/count - exactly how many the list holds, breached among them, scoped as the list", async () => {
  await withRoutes(async (call) => {
    const hour = await call("GET", "/routing/sla/at-risk/count?within=60");
    assert.equal(hour.status, 200);
    assert.deepEqual(hour.json, {
      at: "2026-06-01T12:00:00.000Z",
      within: 60,
      count: 3,
      breached: 1,
    });
    const mine = await call("GET", "/routing/sla/at-risk/count?within=60", { as: "agent:7#go" });
    assert.deepEqual([mine.json.count, mine.json.breached], [2, 0]);
    const auditor = await call("GET", "/routing/sla/at-risk/count", { as: "auditor:8" });
    assert.equal(auditor.status, 403);
    const bad = await call("GET", "/routing/sla/at-risk/count?within=soon");
    assert.equal(bad.json.code, "invalid_within");
  });
});

Deno.test("GET /routing/sla/at-risk/count - 100,000 at-risk tickets are counted in memory, without opening any text", async () => {
  await withRoutingDatabase(async (sql) => {
    const store = new SlaStore(sql);
    await store.putTargets("acme", {
      normal: { firstResponseMinutes: 60, resolutionMinutes: 240, warnAtPercent: 50 },
    });
    const many = new Map<string, SlaState>();
    const shown = view("1", null);
    for (let i = 1; i <= 100_000; i++) {
      const minute = String(i % 60).padStart(2, "0");
      many.set(String(1000 + i), history({ at: `2026-06-01T11:${minute}:00Z` }));
    }
    const call = callRoutes(slaAtRiskRoutes({
      states: () => many,
      policy: (tenant) => store.policy(tenant),
      ticketView: () => Promise.resolve(shown),
      tracked: () => shown,
      now: () => NOW,
      maxPageSize: 200,
    }));
    await call("GET", "/routing/sla/at-risk/count?within=60"); // warm
    const started = performance.now();
    const reply = await call("GET", "/routing/sla/at-risk/count?within=60", { as: "agent:7#go" });
    const ms = performance.now() - started;
    assert.equal(reply.json.count, 100_000);
    console.log(`counted 100,000 at-risk tickets in ${ms.toFixed(0)} ms`);
    assert.ok(ms < 5_000, `${ms} ms`); // a shared 2-core machine: generous
  });
});
