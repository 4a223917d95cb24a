import { deepEqual, equal } from "node:assert/strict";
import { localDate, periodStart, periodStarts } from "./periods.ts";

Deno.test("localDate - Berlin's local day follows its DST offset, not a fixed one", () => {
  equal(localDate(Date.parse("2026-03-28T23:30:00Z"), "Europe/Berlin"), "2026-03-29"); // CET
  equal(localDate(Date.parse("2026-03-29T21:30:00Z"), "Europe/Berlin"), "2026-03-29"); // CEST
  equal(localDate(Date.parse("2026-03-29T22:30:00Z"), "Europe/Berlin"), "2026-03-30");
  equal(localDate(Date.parse("2026-03-29T22:30:00Z"), "UTC"), "2026-03-29");
});

Deno.test("periodStart - weeks start on Monday (ISO), months on the first", () => {
  equal(periodStart("2026-03-29", "week"), "2026-03-23");
  equal(periodStart("2026-03-30", "week"), "2026-03-30");
  equal(periodStart("2026-03-29", "month"), "2026-03-01");
  deepEqual(periodStarts("2026-02-27", "2026-03-02", "month"), ["2026-02-01", "2026-03-01"]);
});
