import { equal } from "node:assert/strict";
import { percentile } from "./rollup.ts";
import { OVER_LAST_BOUND } from "./slots.ts";

Deno.test("percentile - the bound of the bucket the rank falls in; past the last bound is null", () => {
  const histogram = new Map([[300, 5], [3_600, 4], [OVER_LAST_BOUND, 1]]);
  equal(percentile(histogram, 0.5), 300);
  equal(percentile(histogram, 0.9), 3_600);
  equal(percentile(histogram, 1), null);
  equal(percentile(undefined, 0.5), null);
});
