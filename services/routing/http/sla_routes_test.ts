/**
 * The SLA API through `app.request()`, on a real PostgreSQL database.
 * @module
 */
import assert from "node:assert/strict";
import type { RoutingTicket } from "../domain/routing_ticket.ts";
import { history } from "../domain/sla/testing.ts";
import type { SlaState } from "../domain/sla/sla_state.ts";
import { SlaStore } from "../store/sla_store.ts";
import { slaRoutes } from "./sla_routes.ts";
import { callRoutes, type TestCall as Call, withRoutingDatabase } from "./testing.ts";

const NOW = Date.parse("2026-06-01T12:30:00Z");

const ticket = (ticketId: string, groupId: string | null) =>
  ({
    tenant: "acme",
    ticketId,
    status: "open",
    priority: "urgent",
    groupId,
    assigneeId: null,
    createdAt: "2026-06-01T10:00:00.000Z",
    updatedAt: "2026-06-01T10:00:00.000Z",
    firstResponseAt: null,
    solvedAt: null,
  }) as unknown as RoutingTicket;

async function withRoutes(fn: (call: Call, changed: string[]) => Promise<void>): Promise<void> {
  await withRoutingDatabase(async (sql) => {
    const tickets = new Map([["11", ticket("11", null)], ["12", ticket("12", "billing")]]);
    // Ticket 11 was pending from 10:30 to 12:00: its resolution clock stood still meanwhile.
    const states = new Map<string, SlaState>([[
      "11",
      history(
        { at: "2026-06-01T10:00:00Z", priority: "urgent" },
        { at: "2026-06-01T10:30:00Z", status: "pending" },
        { at: "2026-06-01T12:00:00Z", status: "open" },
      ),
    ]]);
    const changed: string[] = [];
    const call = callRoutes(
      slaRoutes({
        store: new SlaStore(sql),
        ticketView: (tenant, id) =>
          Promise.resolve(tenant === "acme" ? tickets.get(id) : undefined),
        slaState: (_tenant, id) => Promise.resolve(states.get(id)),
        now: () => NOW,
        body: { maxBytes: 16_384, timeoutMs: 5_000 },
        onPolicyChanged: (tenant) => changed.push(tenant),
      }),
    );
    await fn(call, changed);
  });
}

const urgent = { firstResponseMinutes: 60, resolutionMinutes: 240, warnAtPercent: 80 };

Deno.test("slaRoutes - a supervisor's policies are stored, read back by an agent, and announced", async () => {
  await withRoutes(async (call, changed) => {
    const put = await call("PUT", "/routing/sla/policies", { body: { policies: { urgent } } });
    assert.equal(put.status, 200);
    const got = await call("GET", "/routing/sla/policies", { as: "agent:5" });
    assert.deepEqual([got.status, got.json], [200, { policies: { urgent } }]);
    assert.deepEqual(changed, ["acme"]);
  });
});

Deno.test("slaRoutes - a policy without warnAtPercent warns at 80 %", async () => {
  await withRoutes(async (call) => {
    const { warnAtPercent: _, ...targets } = urgent;
    const put = await call("PUT", "/routing/sla/policies", {
      body: { policies: { high: targets } },
    });
    assert.equal(put.status, 200);
    const got = await call("GET", "/routing/sla/policies", { as: "agent:5" });
    assert.deepEqual(got.json, { policies: { high: { ...targets, warnAtPercent: 80 } } });
  });
});

Deno.test("slaRoutes - agents may not write policies, customers may not read them", async () => {
  await withRoutes(async (call, changed) => {
    const write = await call("PUT", "/routing/sla/policies", {
      as: "agent:5",
      body: { policies: {} },
    });
    assert.deepEqual([write.status, write.json.code], [403, "forbidden"]);
    const read = await call("GET", "/routing/sla/calendar", { as: "customer:7" });
    assert.deepEqual([read.status, read.json.code], [403, "forbidden"]);
    assert.deepEqual(changed, []);
  });
});

Deno.test("slaRoutes - bad policies and calendars are refused with their domain codes", async () => {
  await withRoutes(async (call) => {
    const cases: [string, unknown, string][] = [
      ["policies", { policies: { critical: urgent } }, "unknown_priority"],
      ["policies", { policies: { urgent: { ...urgent, warnAtPercent: 0 } } }, "invalid_sla_target"],
      ["calendar", { timeZone: "Moon/Base", hours: "24x7" }, "invalid_time_zone"],
      ["calendar", { timeZone: "UTC", hours: { mon: ["17:00-17:00"] } }, "invalid_business_hours"],
      [
        "calendar",
        { timeZone: "UTC", hours: "24x7", holidays: [{ date: "2026-13-01" }] },
        "invalid_holiday",
      ],
      ["calendar", { timeZone: "UTC", hours: "24x7", tenant: "other" }, "invalid_request"],
    ];
    for (const [what, body, code] of cases) {
      const answer = await call("PUT", `/routing/sla/${what}`, { body });
      assert.deepEqual([answer.status, answer.json.code], [422, code], JSON.stringify(body));
    }
    assert.equal((await call("GET", "/routing/sla/calendar")).json.isDefault, true);
  });
});

Deno.test("slaRoutes - a calendar is stored and read back; without one the tenant is 24x7 UTC", async () => {
  await withRoutes(async (call, changed) => {
    assert.deepEqual((await call("GET", "/routing/sla/calendar")).json, {
      calendar: { timeZone: "UTC", hours: "24x7", holidays: [] },
      isDefault: true,
    });
    const calendar = {
      timeZone: "Asia/Shanghai",
      hours: { mon: ["09:00-18:00"] },
      holidays: [{ date: "2026-10-01" }],
    };
    assert.equal((await call("PUT", "/routing/sla/calendar", { body: calendar })).status, 200);
    assert.deepEqual((await call("GET", "/routing/sla/calendar", { as: "auditor:3" })).json, {
      calendar,
      isDefault: false,
    });
    assert.deepEqual(changed, ["acme"]);
  });
});

Deno.test("slaRoutes - a ticket's clocks show due times, breach and business minutes left", async () => {
  await withRoutes(async (call) => {
    await call("PUT", "/routing/sla/policies", { body: { policies: { urgent } } });
    const { status, json } = await call("GET", "/routing/sla/tickets/11", { as: "agent:5" });
    assert.equal(status, 200);
    assert.deepEqual(json, {
      ticketId: "11",
      policyPriority: "urgent",
      at: "2026-06-01T12:30:00.000Z",
      firstResponse: {
        dueAt: "2026-06-01T11:00:00.000Z",
        warnAt: "2026-06-01T10:48:00.000Z",
        metAt: null,
        running: true,
        met: false,
        breached: true,
        remainingBusinessMinutes: -90,
      },
      // 30 min used before the pause, 30 since: 180 left, due 15:30.
      resolution: {
        dueAt: "2026-06-01T15:30:00.000Z",
        warnAt: "2026-06-01T14:42:00.000Z",
        metAt: null,
        running: true,
        met: false,
        breached: false,
        remainingBusinessMinutes: 180,
      },
    });
  });
});

Deno.test("slaRoutes - a ticket an agent may not see, an unknown one and a bad id are refused", async () => {
  await withRoutes(async (call) => {
    const hidden = await call("GET", "/routing/sla/tickets/12", { as: "agent:5#support" });
    assert.deepEqual([hidden.status, hidden.json.code], [404, "ticket_not_found"]);
    const own = await call("GET", "/routing/sla/tickets/12", { as: "agent:5#billing" });
    assert.deepEqual([own.status, own.json.firstResponse], [200, null]);
    const missing = await call("GET", "/routing/sla/tickets/99");
    assert.deepEqual([missing.status, missing.json.code], [404, "ticket_not_found"]);
    const bad = await call("GET", "/routing/sla/tickets/01x");
    assert.deepEqual([bad.status, bad.json.code], [400, "invalid_ticket_id"]);
  });
});
