import assert from "node:assert/strict";
import { clockView } from "./clock_view.ts";
import { slaDeadlines } from "./deadlines.ts";
import { ALWAYS_UTC, history, testPolicy, utc } from "./testing.ts";

const policy = testPolicy();

Deno.test("clockView - a running clock before its due time shows the minutes left", () => {
  const clock = slaDeadlines(history({ at: "2026-06-01T10:00:00Z" }), policy).resolution!;
  const view = clockView(clock, utc("2026-06-01T13:00:00Z"), ALWAYS_UTC);
  assert.deepEqual(view, {
    dueAt: "2026-06-01T14:00:00.000Z",
    warnAt: "2026-06-01T12:00:00.000Z",
    metAt: null,
    running: true,
    met: false,
    breached: false,
    remainingBusinessMinutes: 60,
  });
});

Deno.test("clockView - a running clock past its due time is breached with negative minutes left", () => {
  const clock = slaDeadlines(history({ at: "2026-06-01T10:00:00Z" }), policy).firstResponse!;
  const view = clockView(clock, utc("2026-06-01T11:30:00Z"), ALWAYS_UTC);
  assert.equal(view.breached, true);
  assert.equal(view.remainingBusinessMinutes, -30);
});

Deno.test("clockView - a reply in time is met, a late one is breached however long ago", () => {
  const inTime = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T10:50:00Z", status: "open", firstResponseAt: "2026-06-01T10:50:00Z" },
  );
  const late = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T11:10:00Z", status: "open", firstResponseAt: "2026-06-01T11:10:00Z" },
  );
  const later = utc("2026-07-01T00:00:00Z");
  const onTime = clockView(slaDeadlines(inTime, policy).firstResponse!, later, ALWAYS_UTC);
  const overdue = clockView(slaDeadlines(late, policy).firstResponse!, later, ALWAYS_UTC);
  assert.deepEqual([onTime.met, onTime.breached, onTime.remainingBusinessMinutes], [
    true,
    false,
    10,
  ]);
  assert.deepEqual([overdue.met, overdue.breached, overdue.remainingBusinessMinutes], [
    false,
    true,
    -10,
  ]);
});
