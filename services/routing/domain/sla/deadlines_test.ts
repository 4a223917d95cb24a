import assert from "node:assert/strict";
import { slaDeadlines } from "./deadlines.ts";
import { history, iso, testPolicy, utc } from "./testing.ts";

const policy = testPolicy();

Deno.test("slaDeadlines - first response is due the target after creation and met at the first reply", () => {
  const state = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T10:20:00Z", status: "open", firstResponseAt: "2026-06-01T10:20:00Z" },
  );
  const clock = slaDeadlines(state, policy).firstResponse!;
  assert.equal(iso(clock.dueAt), "2026-06-01T11:00:00.000Z");
  assert.equal(iso(clock.warnAt), "2026-06-01T10:30:00.000Z");
  assert.equal(iso(clock.metAt), "2026-06-01T10:20:00.000Z");
  assert.equal(clock.remainingMsAtStop, 40 * 60_000);
});

Deno.test("slaDeadlines - resolution does not count while the ticket is pending", () => {
  const state = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T11:00:00Z", status: "pending" },
    { at: "2026-06-01T13:00:00Z", status: "open" },
  );
  const clock = slaDeadlines(state, policy).resolution!;
  assert.equal(iso(clock.dueAt), "2026-06-01T16:00:00.000Z");
  assert.equal(clock.stoppedAt, null);
});

Deno.test("slaDeadlines - while on hold the resolution due time is open and 180 min remain", () => {
  const state = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T11:00:00Z", status: "on_hold" },
  );
  const clock = slaDeadlines(state, policy).resolution!;
  assert.equal(clock.dueAt, null);
  assert.equal(iso(clock.stoppedAt), "2026-06-01T11:00:00.000Z");
  assert.equal(clock.remainingMsAtStop, 180 * 60_000);
});

Deno.test("slaDeadlines - solving meets resolution; a reopen carries on from the time already used", () => {
  const solved = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T11:00:00Z", status: "solved" },
  );
  assert.equal(iso(slaDeadlines(solved, policy).resolution!.metAt), "2026-06-01T11:00:00.000Z");
  const reopened = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T11:00:00Z", status: "solved" },
    { at: "2026-06-01T15:00:00Z", status: "open" },
  );
  const clock = slaDeadlines(reopened, policy).resolution!;
  assert.equal(clock.metAt, null);
  assert.equal(iso(clock.dueAt), "2026-06-01T18:00:00.000Z");
});

Deno.test("slaDeadlines - a priority change re-targets both clocks", () => {
  const state = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T10:05:00Z", priority: "urgent" },
  );
  const deadlines = slaDeadlines(state, policy);
  assert.equal(deadlines.priority, "urgent");
  assert.equal(iso(deadlines.firstResponse!.dueAt), "2026-06-01T10:15:00.000Z");
  assert.equal(iso(deadlines.resolution!.dueAt), "2026-06-01T11:00:00.000Z");
});

Deno.test("slaDeadlines - a breach reached before a pause keeps its due time, overdue by the time since", () => {
  const state = history(
    { at: "2026-06-01T10:00:00Z", priority: "urgent" },
    { at: "2026-06-01T12:00:00Z", status: "pending" },
  );
  const clock = slaDeadlines(state, policy).resolution!;
  assert.equal(iso(clock.dueAt), "2026-06-01T11:00:00.000Z");
  assert.equal(clock.remainingMsAtStop, -60 * 60_000);
});

Deno.test("slaDeadlines - a priority without a target has no clocks", () => {
  const state = history({ at: "2026-06-01T10:00:00Z", priority: "low" });
  assert.deepEqual(slaDeadlines(state, policy), {
    priority: "low",
    firstResponse: null,
    resolution: null,
  });
});

Deno.test("slaDeadlines - resolution in business hours: Friday 16:00 plus 4 h is Monday 12:00", () => {
  const office = testPolicy({
    timeZone: "UTC",
    hours: {
      mon: ["09:00-17:00"],
      tue: ["09:00-17:00"],
      wed: ["09:00-17:00"],
      thu: ["09:00-17:00"],
      fri: ["09:00-17:00"],
    },
    holidays: [],
  });
  const state = history({ at: "2026-06-05T16:00:00Z" });
  assert.equal(iso(slaDeadlines(state, office).resolution!.dueAt), "2026-06-08T12:00:00.000Z");
  assert.equal(utc("2026-06-08T12:00:00Z"), slaDeadlines(state, office).resolution!.dueAt);
});
