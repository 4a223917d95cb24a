import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import { type BusinessCalendar, validateCalendar } from "./calendar.ts";

const base: BusinessCalendar = {
  timeZone: "Europe/Berlin",
  hours: { mon: ["09:00-17:00"] },
  holidays: [],
};

function refused(calendar: BusinessCalendar, code: string, message: RegExp): void {
  assert.throws(() => validateCalendar(calendar), (error: unknown) => {
    assert.ok(error instanceof DomainError);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

Deno.test("validateCalendar - accepts weekly hours, night shifts, 24x7 and partial holidays", () => {
  assert.equal(validateCalendar(base), base);
  validateCalendar({ ...base, hours: { fri: ["22:00-06:00"], sat: ["06:00-12:00"] } });
  validateCalendar({ ...base, hours: "24x7", holidays: [{ date: "2026-12-24", from: "12:00" }] });
});

Deno.test("validateCalendar - an unknown zone is invalid_time_zone", () => {
  refused({ ...base, timeZone: "Europe/Atlantis" }, "invalid_time_zone", /Europe\/Atlantis/);
});

Deno.test("validateCalendar - malformed, empty or overlapping hours are invalid_business_hours", () => {
  refused({ ...base, hours: { mon: ["9-17"] } }, "invalid_business_hours", /"9-17"/);
  refused({ ...base, hours: { mon: ["09:00-09:00"] } }, "invalid_business_hours", /empty/);
  refused({ ...base, hours: { mon: [] } }, "invalid_business_hours", /no open time/);
  refused(
    { ...base, hours: { funday: ["09:00-17:00"] } as never },
    "invalid_business_hours",
    /funday/,
  );
  refused(
    { ...base, hours: { mon: ["09:00-13:00", "12:00-17:00"] } },
    "invalid_business_hours",
    /overlap/,
  );
  // Saturday night into Sunday morning collides with Sunday's own hours, round the week.
  refused(
    { ...base, hours: { sat: ["22:00-08:00"], sun: ["07:00-09:00"] } },
    "invalid_business_hours",
    /overlap/,
  );
});

Deno.test("validateCalendar - impossible, reversed or repeated holidays are invalid_holiday", () => {
  refused({ ...base, holidays: [{ date: "2026-02-30" }] }, "invalid_holiday", /2026-02-30/);
  refused(
    { ...base, holidays: [{ date: "2026-12-24", from: "14:00", to: "12:00" }] },
    "invalid_holiday",
    /ends before/,
  );
  refused(
    { ...base, holidays: [{ date: "2026-12-24" }, { date: "2026-12-24" }] },
    "invalid_holiday",
    /twice/,
  );
  refused(
    { ...base, holidays: [{ date: "2026-12-24", from: "25:00" }] },
    "invalid_holiday",
    /25:00/,
  );
});
