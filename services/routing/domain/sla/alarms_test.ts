import assert from "node:assert/strict";
import { alarmKey, pendingAlarms } from "./alarms.ts";
import { recordIssued } from "./sla_state.ts";
import { history, iso, testPolicy } from "./testing.ts";

const policy = testPolicy();
const show = (state: Parameters<typeof pendingAlarms>[0]) =>
  pendingAlarms(state, policy).map((a) =>
    `${a.target} ${a.stage} ${iso(a.at)} due ${iso(a.dueAt)}`
  );

Deno.test("pendingAlarms - a new ticket raises a warning and a breach per target, in time order", () => {
  assert.deepEqual(show(history({ at: "2026-06-01T10:00:00Z" })), [
    "first_response warning 2026-06-01T10:30:00.000Z due 2026-06-01T11:00:00.000Z",
    "first_response breach 2026-06-01T11:00:00.000Z due 2026-06-01T11:00:00.000Z",
    "resolution warning 2026-06-01T12:00:00.000Z due 2026-06-01T14:00:00.000Z",
    "resolution breach 2026-06-01T14:00:00.000Z due 2026-06-01T14:00:00.000Z",
  ]);
});

Deno.test("pendingAlarms - a first reply before the warning silences the first-response alarms", () => {
  const state = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T10:10:00Z", status: "open", firstResponseAt: "2026-06-01T10:10:00Z" },
  );
  assert.deepEqual(show(state).map((line) => line.split(" ").slice(0, 2).join(" ")), [
    "resolution warning",
    "resolution breach",
  ]);
});

Deno.test("pendingAlarms - a warning reached before a pause stays, announcing the due time it had then", () => {
  const state = history(
    { at: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T10:00:00Z", status: "open", firstResponseAt: "2026-06-01T10:00:00Z" },
    { at: "2026-06-01T12:30:00Z", status: "pending" },
  );
  assert.deepEqual(show(state), [
    "resolution warning 2026-06-01T12:00:00.000Z due 2026-06-01T14:00:00.000Z",
  ]);
});

Deno.test("pendingAlarms - alarms recorded as issued are not raised again", () => {
  const created = history({ at: "2026-06-01T10:00:00Z" });
  const [first] = pendingAlarms(created, policy);
  const state = recordIssued(created, alarmKey(first));
  assert.equal(pendingAlarms(state, policy).length, 3);
  assert.equal(alarmKey(first), "first_response:warning:2026-06-01T11:00:00.000Z");
});
