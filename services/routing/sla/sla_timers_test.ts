import assert from "node:assert/strict";
import { alarmKey } from "../domain/sla/alarms.ts";
import { evolveSla, recordIssued, type SlaState } from "../domain/sla/sla_state.ts";
import { history, iso, testPolicy, utc } from "../domain/sla/testing.ts";
import { type DueAlarm, SlaTimers } from "./sla_timers.ts";

const policy = testPolicy();
const show = (alarms: DueAlarm[]) =>
  alarms.map((a) => `${a.tenant}/${a.ticketId} ${a.target} ${a.stage} ${iso(a.at)}`);

/** Timers that only run when the test says, counting how many are live. */
function fakeTimers() {
  const live = new Map<number, { fire: () => void; delay: number }>();
  let next = 1;
  return {
    live,
    setTimer: (fire: () => void, delay: number) => {
      live.set(next, { fire, delay });
      return next++;
    },
    clearTimer: (id: unknown) => void live.delete(id as number),
    fireAll() {
      for (const [id, timer] of [...live]) {
        live.delete(id);
        timer.fire();
      }
    },
  };
}

const quiet = (now = 0) => new SlaTimers({ now: () => now, onDue: () => {} });

Deno.test("SlaTimers.due - hands out each alarm once, in time order across tickets", () => {
  const timers = quiet();
  timers.track({ tenant: "acme", ticketId: "2" }, history({ at: "2026-06-01T10:00:00Z" }), policy);
  timers.track({ tenant: "beta", ticketId: "1" }, history({ at: "2026-06-01T10:10:00Z" }), policy);
  assert.deepEqual(show(timers.due(utc("2026-06-01T11:05:00Z"))), [
    "acme/2 first_response warning 2026-06-01T10:30:00.000Z",
    "beta/1 first_response warning 2026-06-01T10:40:00.000Z",
    "acme/2 first_response breach 2026-06-01T11:00:00.000Z",
  ]);
  assert.deepEqual(timers.due(utc("2026-06-01T11:05:00Z")), []);
  assert.equal(iso(timers.nextAt()), "2026-06-01T11:10:00.000Z");
});

Deno.test("SlaTimers.track - re-tracking an unchanged clock repeats nothing; a re-target raises the new alarms", () => {
  const timers = quiet();
  const ticket = { tenant: "acme", ticketId: "7" };
  const created = history({ at: "2026-06-01T10:00:00Z" });
  timers.track(ticket, created, policy);
  assert.equal(timers.due(utc("2026-06-01T10:31:00Z")).length, 1);
  timers.track(ticket, created, policy);
  assert.deepEqual(timers.due(utc("2026-06-01T10:31:00Z")), []);
  const urgent = evolveSla(created, {
    at: "2026-06-01T10:32:00Z",
    status: "new",
    priority: "urgent",
    firstResponseAt: null,
  });
  timers.track(ticket, urgent, policy);
  const retargeted = timers.due(utc("2026-06-01T10:33:00Z"));
  assert.deepEqual(retargeted.map((a) => a.policyPriority), ["urgent", "urgent", "urgent"]);
  assert.deepEqual(show(retargeted), [
    "acme/7 first_response warning 2026-06-01T10:07:30.000Z",
    "acme/7 first_response breach 2026-06-01T10:15:00.000Z",
    "acme/7 resolution warning 2026-06-01T10:30:00.000Z",
  ]);
});

Deno.test("SlaTimers.untrack - a forgotten ticket raises nothing; a met one is dropped on re-track", () => {
  const timers = quiet();
  timers.track({ tenant: "acme", ticketId: "1" }, history({ at: "2026-06-01T10:00:00Z" }), policy);
  timers.track({ tenant: "acme", ticketId: "2" }, history({ at: "2026-06-01T10:00:00Z" }), policy);
  timers.untrack("1");
  const met = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T10:01:00Z", status: "solved", firstResponseAt: "2026-06-01T10:01:00Z" },
  );
  timers.track({ tenant: "acme", ticketId: "2" }, met, policy);
  assert.equal(timers.size, 0);
  assert.deepEqual(timers.due(utc("2026-06-09T00:00:00Z")), []);
});

Deno.test("SlaTimers - one timer at most, armed for the earliest alarm, re-armed and cleared on stop", () => {
  const fake = fakeTimers();
  const fired: DueAlarm[][] = [];
  let now = utc("2026-06-01T10:00:00Z");
  const timers = new SlaTimers({ now: () => now, onDue: (a) => fired.push(a), ...fake });
  timers.start();
  assert.equal(fake.live.size, 0);
  timers.track({ tenant: "acme", ticketId: "1" }, history({ at: "2026-06-01T10:00:00Z" }), policy);
  assert.deepEqual([...fake.live.values()].map((t) => t.delay), [30 * 60_000]);
  timers.track({ tenant: "acme", ticketId: "2" }, history({ at: "2026-06-01T09:50:00Z" }), policy);
  assert.deepEqual([...fake.live.values()].map((t) => t.delay), [20 * 60_000]);
  now = utc("2026-06-01T10:20:00Z");
  fake.fireAll();
  assert.deepEqual(fired.map(show), [["acme/2 first_response warning 2026-06-01T10:20:00.000Z"]]);
  assert.deepEqual([...fake.live.values()].map((t) => t.delay), [10 * 60_000]);
  timers.stop();
  assert.equal(fake.live.size, 0);
});

Deno.test("SlaTimers - with the real clock an alarm reaches onDue, and stop leaves no timer behind", async () => {
  const near = {
    ...policy,
    targets: { normal: { firstResponseMinutes: 1, resolutionMinutes: 600, warnAtPercent: 50 } },
  };
  const created = new Date(Date.now() - 30_000 + 40).toISOString(); // warning due in ~40 ms
  const { promise, resolve } = Promise.withResolvers<DueAlarm[]>();
  const timers = new SlaTimers({ now: () => Date.now(), onDue: resolve });
  timers.track({ tenant: "acme", ticketId: "9" }, history({ at: created }), near);
  timers.start();
  const alarms = await promise;
  timers.stop(); // the breach timer (30 s away) is armed until here; the sanitizer checks it is gone
  assert.deepEqual(alarms.map((a) => `${a.target} ${a.stage}`), ["first_response warning"]);
});

Deno.test("SlaTimers - timers rebuilt from the replayed states come due exactly as the live ones", () => {
  // Live: changes arrive over the day; the alarms that fire are folded back as issued events.
  const changes: [string, string, Partial<{ status: string; priority: string; reply: boolean }>][] =
    [
      ["1", "2026-06-01T09:00:00Z", {}],
      ["2", "2026-06-01T09:30:00Z", { priority: "urgent" }],
      ["3", "2026-06-01T10:00:00Z", {}],
      ["1", "2026-06-01T09:40:00Z", { status: "open", reply: true }],
      ["2", "2026-06-01T10:10:00Z", { status: "pending" }],
      ["3", "2026-06-01T11:30:00Z", { status: "on_hold" }],
      ["2", "2026-06-01T12:00:00Z", { status: "open" }],
      ["1", "2026-06-01T12:30:00Z", { status: "solved" }],
      ["1", "2026-06-01T13:00:00Z", { status: "open" }],
      ["4", "2026-06-01T13:00:00Z", {}],
    ];
  const states = new Map<string, SlaState>();
  const live = quiet();
  const fold = (alarms: DueAlarm[]) => {
    for (const a of alarms) {
      states.set(a.ticketId, recordIssued(states.get(a.ticketId)!, alarmKey(a)));
    }
  };
  for (const [id, at, change] of changes.sort((a, b) => a[1].localeCompare(b[1]))) {
    fold(live.due(utc(at)));
    const before = states.get(id);
    states.set(
      id,
      evolveSla(before, {
        at,
        status: (change.status ?? before?.status ?? "new") as never,
        priority: (change.priority ?? before?.priority ?? "normal") as never,
        firstResponseAt: change.reply ? at : null,
      }),
    );
    live.track({ tenant: "acme", ticketId: id }, states.get(id)!, policy);
  }
  // Rebuild at 13:30 from the folded states alone, then both run on to the end of the day.
  assert.ok([...states.values()].some((state) => state.issued.length > 0));
  const rebuilt = quiet();
  for (const [id, state] of states) rebuilt.track({ tenant: "acme", ticketId: id }, state, policy);
  const later: string[] = [];
  for (const at of ["2026-06-01T13:30:00Z", "2026-06-01T15:00:00Z", "2026-06-02T00:00:00Z"]) {
    const expected = live.due(utc(at));
    assert.deepEqual(rebuilt.due(utc(at)), expected, at);
    later.push(...show(expected));
  }
  assert.deepEqual(later, [
    "acme/1 resolution breach 2026-06-01T13:30:00.000Z",
    "acme/4 first_response warning 2026-06-01T13:30:00.000Z",
    "acme/4 first_response breach 2026-06-01T14:00:00.000Z",
    "acme/4 resolution warning 2026-06-01T15:00:00.000Z",
    "acme/4 resolution breach 2026-06-01T17:00:00.000Z",
  ]);
  assert.equal(rebuilt.nextAt(), live.nextAt());
});
