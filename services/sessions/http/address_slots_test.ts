import assert from "node:assert/strict";
import { AddressSlots } from "./address_slots.ts";

Deno.test("AddressSlots - an address gets perAddress slots; a release frees one, once", () => {
  const slots = new AddressSlots(2);
  const first = slots.take("198.51.100.1")!;
  assert.ok(slots.take("198.51.100.1"));
  assert.equal(slots.take("198.51.100.1"), null);
  assert.ok(slots.take("198.51.100.2"), "other addresses are counted apart");
  first();
  first();
  assert.equal(slots.count("198.51.100.1"), 1);
  assert.ok(slots.take("198.51.100.1"));
  assert.equal(slots.take("198.51.100.1"), null);
});
