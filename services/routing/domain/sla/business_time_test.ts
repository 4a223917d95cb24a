import assert from "node:assert/strict";
import { addBusinessMinutes, businessMinutesBetween } from "./business_time.ts";
import type { BusinessCalendar } from "./calendar.ts";

const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const weekdays = (interval: string) => ({
  mon: [interval],
  tue: [interval],
  wed: [interval],
  thu: [interval],
  fri: [interval],
});
const office = (
  timeZone: string,
  holidays: BusinessCalendar["holidays"] = [],
): BusinessCalendar => ({
  timeZone,
  hours: weekdays("09:00-17:00"),
  holidays,
});

Deno.test("addBusinessMinutes - New York Friday 16:00 EST plus 2 h lands Monday 10:00 EDT across the March DST weekend", () => {
  const cal = office("America/New_York");
  const due = addBusinessMinutes(utc("2026-03-06T21:00:00Z"), 120, cal);
  assert.equal(iso(due), "2026-03-09T14:00:00.000Z");
  assert.equal(businessMinutesBetween(utc("2026-03-06T21:00:00Z"), due, cal), 120);
});

Deno.test("addBusinessMinutes - a New York 00:00-06:00 window on 2026-03-08 lasts 5 h and counts through the jump", () => {
  const cal: BusinessCalendar = {
    timeZone: "America/New_York",
    hours: { sun: ["00:00-06:00"] },
    holidays: [],
  };
  assert.equal(
    businessMinutesBetween(utc("2026-03-08T00:00:00Z"), utc("2026-03-08T12:00:00Z"), cal),
    300,
  );
  // 00:00 EST (05:00Z) + 3 h of real time: 2 h to the jump at 07:00Z, then 1 h of EDT.
  assert.equal(
    iso(addBusinessMinutes(utc("2026-03-08T05:00:00Z"), 180, cal)),
    "2026-03-08T08:00:00.000Z",
  );
});

Deno.test("businessMinutesBetween - New York 01:00-02:00 on 2026-11-01 is open for 2 h (01:00 EDT to 02:00 EST)", () => {
  const cal: BusinessCalendar = {
    timeZone: "America/New_York",
    hours: { sun: ["01:00-02:00"] },
    holidays: [],
  };
  assert.equal(
    businessMinutesBetween(utc("2026-11-01T00:00:00Z"), utc("2026-11-02T00:00:00Z"), cal),
    120,
  );
  assert.equal(
    iso(addBusinessMinutes(utc("2026-11-01T00:00:00Z"), 90, cal)),
    "2026-11-01T06:30:00.000Z",
  );
});

Deno.test("addBusinessMinutes - Berlin Friday 16:00 CET plus 2 h lands Monday 10:00 CEST (2026-03-29 change)", () => {
  assert.equal(
    iso(addBusinessMinutes(utc("2026-03-27T15:00:00Z"), 120, office("Europe/Berlin"))),
    "2026-03-30T08:00:00.000Z",
  );
});

Deno.test("businessMinutesBetween - a Berlin window opening at 02:30 on 2026-03-29 opens at the jump (01:00Z)", () => {
  const cal: BusinessCalendar = {
    timeZone: "Europe/Berlin",
    hours: { sun: ["02:30-04:00"] },
    holidays: [],
  };
  assert.equal(
    businessMinutesBetween(utc("2026-03-29T00:00:00Z"), utc("2026-03-29T05:00:00Z"), cal),
    60,
  );
  assert.equal(
    iso(addBusinessMinutes(utc("2026-03-29T00:00:00Z"), 1, cal)),
    "2026-03-29T01:01:00.000Z",
  );
});

Deno.test("addBusinessMinutes - Berlin Friday 16:30 CEST plus 1 h lands Monday 09:30 CET (2026-10-25 change)", () => {
  assert.equal(
    iso(addBusinessMinutes(utc("2026-10-23T14:30:00Z"), 60, office("Europe/Berlin"))),
    "2026-10-26T08:30:00.000Z",
  );
  const night: BusinessCalendar = {
    timeZone: "Europe/Berlin",
    hours: { sun: ["02:00-03:00"] },
    holidays: [],
  };
  assert.equal(
    businessMinutesBetween(utc("2026-10-24T12:00:00Z"), utc("2026-10-25T12:00:00Z"), night),
    120,
  );
});

Deno.test("addBusinessMinutes - Shanghai (no DST) Thursday 17:00 plus 4 h lands Friday 12:00 local", () => {
  const cal: BusinessCalendar = {
    timeZone: "Asia/Shanghai",
    hours: weekdays("09:00-18:00"),
    holidays: [],
  };
  assert.equal(
    iso(addBusinessMinutes(utc("2026-12-03T09:00:00Z"), 240, cal)),
    "2026-12-04T04:00:00.000Z",
  );
});

Deno.test("addBusinessMinutes - night shifts 22:00-06:00 run past midnight and skip the weekend", () => {
  const cal: BusinessCalendar = { timeZone: "UTC", hours: weekdays("22:00-06:00"), holidays: [] };
  // Fri 23:00 → Sat 06:00 gives 7 h; the next shift opens Monday 22:00.
  assert.equal(
    iso(addBusinessMinutes(utc("2026-06-05T23:00:00Z"), 600, cal)),
    "2026-06-09T01:00:00.000Z",
  );
  assert.equal(
    businessMinutesBetween(utc("2026-06-05T23:00:00Z"), utc("2026-06-09T01:00:00Z"), cal),
    600,
  );
});

Deno.test("addBusinessMinutes - a holiday on a Friday before the weekend moves the due time to Monday", () => {
  const cal = office("Europe/Berlin", [{ date: "2026-04-03", name: "Karfreitag" }]);
  assert.equal(
    iso(addBusinessMinutes(utc("2026-04-02T14:00:00Z"), 120, cal)),
    "2026-04-06T08:00:00.000Z",
  );
});

Deno.test("addBusinessMinutes - a target of five business days with a half-day holiday crosses into the next week", () => {
  const cal = office("America/New_York", [{ date: "2026-06-03", from: "12:00" }]);
  // Mon 09:00 EDT + 40 h: the Wednesday afternoon is closed, so 5 h spill into Monday 2026-06-08.
  assert.equal(
    iso(addBusinessMinutes(utc("2026-06-01T13:00:00Z"), 2400, cal)),
    "2026-06-08T18:00:00.000Z",
  );
  assert.equal(
    iso(addBusinessMinutes(utc("2026-06-01T13:00:00Z"), 2400, office("America/New_York"))),
    "2026-06-05T21:00:00.000Z",
  );
});

Deno.test("addBusinessMinutes - a start outside business hours counts from the next opening", () => {
  assert.equal(
    iso(addBusinessMinutes(utc("2026-01-10T12:00:00Z"), 30, office("America/New_York"))),
    "2026-01-12T14:30:00.000Z",
  );
});

Deno.test("businessMinutesBetween - is negative when the end comes first, zero on the same instant", () => {
  const cal = office("Asia/Shanghai");
  const a = utc("2026-12-03T02:00:00Z");
  const b = utc("2026-12-03T05:00:00Z");
  assert.equal(businessMinutesBetween(b, a, cal), -180);
  assert.equal(businessMinutesBetween(a, a, cal), 0);
});

Deno.test("addBusinessMinutes - on a 24x7 calendar business time is real time, holidays excepted", () => {
  const always: BusinessCalendar = { timeZone: "UTC", hours: "24x7", holidays: [] };
  assert.equal(
    iso(addBusinessMinutes(utc("2026-01-01T23:00:00Z"), 90, always)),
    "2026-01-02T00:30:00.000Z",
  );
  const closedNewYear: BusinessCalendar = { ...always, holidays: [{ date: "2026-01-02" }] };
  assert.equal(
    iso(addBusinessMinutes(utc("2026-01-01T23:00:00Z"), 90, closedNewYear)),
    "2026-01-03T00:30:00.000Z",
  );
});
