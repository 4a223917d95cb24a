import assert from "node:assert/strict";
import { SlotHeap } from "./slot_heap.ts";

function drain(heap: SlotHeap): number[] {
  const keys: number[] = [];
  while (heap.size) {
    const slot = heap.peek();
    keys.push(heap.keyOf(slot));
    heap.delete(slot);
  }
  return keys;
}

Deno.test("SlotHeap - pops keys in ascending order after random sets, moves and deletes", () => {
  const heap = new SlotHeap();
  const expected = new Map<number, number>();
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 5000; i++) {
    const slot = Math.floor(random() * 700);
    if (random() < 0.2) {
      heap.delete(slot);
      expected.delete(slot);
    } else {
      const key = Math.floor(random() * 1e6);
      heap.set(slot, key);
      expected.set(slot, key);
    }
  }
  assert.equal(heap.size, expected.size);
  assert.deepEqual(drain(heap), [...expected.values()].sort((a, b) => a - b));
});

Deno.test("SlotHeap - an empty heap peeks -1 and deleting an absent slot changes nothing", () => {
  const heap = new SlotHeap();
  assert.equal(heap.peek(), -1);
  heap.delete(3);
  heap.set(3, 10);
  heap.delete(99);
  assert.deepEqual([heap.size, heap.peek()], [1, 3]);
});
