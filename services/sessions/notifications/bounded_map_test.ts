import assert from "node:assert/strict";
import { BoundedMap } from "./bounded_map.ts";

Deno.test("BoundedMap - a write beyond capacity forgets the least recently used key", () => {
  const map = new BoundedMap<string, number>(2);
  map.set("a", 1);
  map.set("b", 2);
  map.get("a"); // a is now newer than b
  map.set("c", 3);
  assert.equal(map.size, 2);
  assert.equal(map.has("b"), false);
  assert.equal(map.get("a"), 1);
  assert.equal(map.get("c"), 3);
});

Deno.test("BoundedMap - firstSight is true once per remembered key", () => {
  const map = new BoundedMap<string, true>(8);
  assert.equal(map.firstSight("x", true), true);
  assert.equal(map.firstSight("x", true), false);
});

Deno.test("BoundedMap - refuses a capacity that is not a positive whole number", () => {
  assert.throws(() => new BoundedMap(0), RangeError);
  assert.throws(() => new BoundedMap(1.5), RangeError);
});
