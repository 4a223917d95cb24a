import assert from "node:assert/strict";
import { localToUtc, resolveLocalTime } from "./local_to_utc.ts";

const utc = (iso: string) => Date.parse(iso);
const at = (y: number, mo: number, d: number, h: number, mi: number) => ({
  year: y,
  month: mo,
  day: d,
  hour: h,
  minute: mi,
});

Deno.test("localToUtc - an ordinary New York winter time is five hours behind UTC", () => {
  assert.equal(localToUtc(at(2026, 1, 15, 9, 0), "America/New_York"), utc("2026-01-15T14:00:00Z"));
});

Deno.test("resolveLocalTime - New York 02:30 on 2026-03-08 is a gap ending at 07:00Z", () => {
  assert.deepEqual(resolveLocalTime(at(2026, 3, 8, 2, 30), "America/New_York"), {
    kind: "gap",
    at: utc("2026-03-08T07:00:00Z"),
    skippedMinutes: 60,
  });
});

Deno.test("resolveLocalTime - New York 01:30 on 2026-11-01 happens twice, EDT then EST", () => {
  assert.deepEqual(resolveLocalTime(at(2026, 11, 1, 1, 30), "America/New_York"), {
    kind: "overlap",
    earlier: utc("2026-11-01T05:30:00Z"),
    later: utc("2026-11-01T06:30:00Z"),
  });
  assert.equal(localToUtc(at(2026, 11, 1, 1, 30), "America/New_York"), utc("2026-11-01T05:30:00Z"));
});

Deno.test("localToUtc - Berlin 02:30 on 2026-03-29 does not exist and maps to the jump, 01:00Z", () => {
  assert.equal(localToUtc(at(2026, 3, 29, 2, 30), "Europe/Berlin"), utc("2026-03-29T01:00:00Z"));
});

Deno.test("resolveLocalTime - Berlin 02:30 on 2026-10-25 is 00:30Z (CEST) and 01:30Z (CET)", () => {
  assert.deepEqual(resolveLocalTime(at(2026, 10, 25, 2, 30), "Europe/Berlin"), {
    kind: "overlap",
    earlier: utc("2026-10-25T00:30:00Z"),
    later: utc("2026-10-25T01:30:00Z"),
  });
});

Deno.test("localToUtc - Shanghai has no DST: 09:00 is 01:00Z in summer and winter", () => {
  assert.equal(localToUtc(at(2026, 7, 1, 9, 0), "Asia/Shanghai"), utc("2026-07-01T01:00:00Z"));
  assert.equal(localToUtc(at(2026, 12, 1, 9, 0), "Asia/Shanghai"), utc("2026-12-01T01:00:00Z"));
});

Deno.test("localToUtc - minute 1440 is the next local midnight", () => {
  assert.equal(
    localToUtc(at(2026, 3, 7, 0, 1440), "America/New_York"),
    utc("2026-03-08T05:00:00Z"),
  );
});
