import assert from "node:assert/strict";
import { isTimeZone, localParts, offsetMinutes } from "./local_time.ts";

Deno.test("localParts gives Shanghai wall time eight hours ahead of UTC", () => {
  const parts = localParts(Date.parse("2026-12-03T20:30:00Z"), "Asia/Shanghai");
  assert.deepEqual(parts, {
    year: 2026,
    month: 12,
    day: 4,
    hour: 4,
    minute: 30,
    second: 0,
    weekday: 5,
  });
});

Deno.test("offsetMinutes follows New York across the March 2026 DST change", () => {
  assert.equal(offsetMinutes(Date.parse("2026-03-08T06:59:59Z"), "America/New_York"), -300);
  assert.equal(offsetMinutes(Date.parse("2026-03-08T07:00:00Z"), "America/New_York"), -240);
});

Deno.test("isTimeZone refuses a zone the runtime does not know", () => {
  assert.equal(isTimeZone("Europe/Berlin"), true);
  assert.equal(isTimeZone("Mars/Olympus_Mons"), false);
});
