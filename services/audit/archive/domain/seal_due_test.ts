import { deepEqual, equal } from "node:assert/strict";
import { sealDue } from "./seal_due.ts";

const policy = { entriesPerSegment: 100, maxAgeMs: 60_000 };

Deno.test("seal due - a full segment's worth waiting seals exactly one segment at once", () => {
  deepEqual(sealDue({ fromN: 201, toN: 450, since: 1_000 }, policy, 1_000), {
    fromN: 201,
    toN: 300,
  });
});

Deno.test("seal due - fewer entries wait until the segment age, then all of them seal", () => {
  const run = { fromN: 7, toN: 9, since: 1_000 };
  equal(sealDue(run, policy, 60_999), null);
  deepEqual(sealDue(run, policy, 61_000), { fromN: 7, toN: 9 });
});

Deno.test("seal due - nothing waiting is never due", () => {
  equal(sealDue({ fromN: 10, toN: 9, since: 0 }, policy, 10_000_000), null);
});
