import assert from "node:assert/strict";
import { describeChanges } from "./changes.ts";

Deno.test("describeChanges - scalars and short lists are kept, text only as changed", () => {
  assert.deepEqual(
    describeChanges({
      capacity: 3,
      active: false,
      groupId: null,
      skills: ["billing", "de"],
      displayName: "Dana Person",
      conditions: [{ field: "subject", contains: "refund" }],
    }),
    {
      capacity: 3,
      active: false,
      groupId: null,
      skills: ["billing", "de"],
      displayName: true,
      conditions: true,
    },
  );
});

Deno.test("describeChanges - anything but an object describes no fields", () => {
  assert.deepEqual(describeChanges(["a"]), {});
  assert.deepEqual(describeChanges("text"), {});
  assert.deepEqual(describeChanges(null), {});
});
