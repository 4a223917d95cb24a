import assert from "node:assert/strict";
import problems from "./problems.js";

Deno.test("problem catalogues - Chinese and English name exactly the same problem codes", () => {
  assert.deepEqual(Object.keys(problems.zh).sort(), Object.keys(problems.en).sort());
});
