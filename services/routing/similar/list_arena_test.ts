import assert from "node:assert/strict";
import { ListArena } from "./list_arena.ts";

function items(arena: ListArena, list: number): number[] {
  const start = arena.start(list);
  return arena.length(list) === 0
    ? []
    : [...arena.page(list).subarray(start, start + arena.length(list))];
}

Deno.test("ListArena - lists grow independently and keep their order", () => {
  const arena = new ListArena(1 << 10, 16);
  for (let i = 0; i < 100; i++) arena.push(i % 3, i);
  assert.deepEqual(items(arena, 1), Array.from({ length: 33 }, (_, i) => 3 * i + 1));
  assert.equal(arena.length(7), 0);
});

Deno.test("ListArena - remove takes out one value and keeps the rest in order", () => {
  const arena = new ListArena();
  [5, 6, 7, 6].forEach((v) => arena.push(0, v));
  assert.equal(arena.remove(0, 6), true);
  assert.equal(arena.remove(0, 9), false);
  assert.deepEqual(items(arena, 0), [5, 7, 6]);
});

Deno.test("ListArena - compaction after many frees keeps every live list intact", () => {
  const arena = new ListArena(1 << 12, 16);
  for (let round = 0; round < 50; round++) {
    for (let list = 0; list < 40; list++) arena.assign(list, [round, list, round + list]);
  }
  for (let list = 0; list < 40; list++) arena.push(list, -list);
  assert.deepEqual(items(arena, 39), [49, 39, 88, -39]);
  // 40 lists of 4 ints: the 6,000 freed ints were reclaimed, not kept.
  assert.ok(arena.bytes() < 4 * 2000, `arena holds ${arena.bytes()} bytes`);
});

Deno.test("ListArena - a list at the page size refuses to grow", () => {
  const arena = new ListArena(4, 4);
  for (let i = 0; i < 4; i++) assert.equal(arena.push(0, i), true);
  assert.equal(arena.push(0, 4), false);
  assert.deepEqual(items(arena, 0), [0, 1, 2, 3]);
});
