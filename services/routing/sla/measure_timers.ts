/**
 * Measures what SlaTimers costs at scale: memory per tracked ticket and `track` throughput, on
 * a New York office-hours calendar with holidays. Not a test; run by hand:
 * `deno run --v8-flags=--expose-gc services/routing/sla/measure_timers.ts [tickets]`.
 * @module
 */
import { PRIORITIES } from "@ticketd/shared/events/tickets.ts";
import type { SlaPolicy } from "../domain/sla/policy.ts";
import { evolveSla, type SlaState } from "../domain/sla/sla_state.ts";
import { SlaTimers } from "./sla_timers.ts";

const tickets = Number(Deno.args[0] ?? 1_000_000);
const BATCH = 10_000;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const office = ["09:00-17:00"];
const policy: SlaPolicy = {
  calendar: {
    timeZone: "America/New_York",
    hours: { mon: office, tue: office, wed: office, thu: office, fri: office },
    holidays: [{ date: "2026-04-03" }, { date: "2026-05-25" }, {
      date: "2026-12-24",
      from: "12:00",
    }],
  },
  targets: Object.fromEntries(PRIORITIES.map((p, i) => [p, {
    firstResponseMinutes: 240 >> i,
    resolutionMinutes: 2400 >> i,
    warnAtPercent: 80,
  }])),
};

function memory(): number {
  gc();
  const usage = Deno.memoryUsage();
  return usage.heapUsed + usage.external;
}

const timers = new SlaTimers({ now: () => 0, onDue: () => {} });
const start = Date.parse("2026-03-01T00:00:00Z");
const before = memory();
let trackMs = 0;
for (let first = 0; first < tickets; first += BATCH) {
  const batch: [string, SlaState][] = [];
  for (let i = first; i < Math.min(tickets, first + BATCH); i++) {
    // One ticket every ~2.6 s over 30 days, a tenth of them paused once.
    const at = new Date(start + Math.floor((i * 2_592_000_000) / tickets)).toISOString();
    let state = evolveSla(undefined, {
      at,
      status: "new",
      priority: PRIORITIES[i % 4],
      firstResponseAt: null,
    });
    if (i % 10 === 0) {
      state = evolveSla(state, {
        at,
        status: "pending",
        priority: state.priority,
        firstResponseAt: null,
      });
    }
    batch.push([String(7_000_000_000_000_000 + i), state]);
  }
  const t0 = performance.now();
  for (const [ticketId, state] of batch) timers.track({ tenant: "acme", ticketId }, state, policy);
  trackMs += performance.now() - t0;
}
const after = memory();
const t1 = performance.now();
let retracked = 0;
for (let i = 0; i < Math.min(tickets, 100_000); i++) {
  timers.untrack(String(7_000_000_000_000_000 + i));
  retracked++;
}
const untrackMs = performance.now() - t1;
const t2 = performance.now();
const fired = timers.due(Date.parse("2026-04-01T00:00:00Z")).length;
const dueMs = performance.now() - t2;

console.log(JSON.stringify({
  tickets,
  tracked: tickets,
  bytesPerTicket: Math.round((after - before) / tickets),
  trackPerSecond: Math.round(tickets / (trackMs / 1000)),
  trackMicrosecondsEach: Number(((trackMs * 1000) / tickets).toFixed(2)),
  untrackPerSecond: Math.round(retracked / (untrackMs / 1000)),
  dueAlarms: fired,
  dueMs: Math.round(dueMs),
}));
