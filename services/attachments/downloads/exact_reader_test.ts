import assert from "node:assert/strict";
import { ExactReader } from "./exact_reader.ts";

async function* chunks(...sizes: number[]) {
  let n = 0;
  for (const size of sizes) yield new Uint8Array(size).map(() => n++ & 0xff);
}

Deno.test("ExactReader - pieces of the asked length come out whatever the chunk sizes", async () => {
  const reader = new ExactReader(chunks(3, 1, 7, 2, 5));
  assert.deepEqual([...await reader.read(5)], [0, 1, 2, 3, 4]);
  assert.deepEqual([...await reader.read(8)], [5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual([...await reader.read(5)], [13, 14, 15, 16, 17]);
});

Deno.test("ExactReader - a source that ends early fails the read", async () => {
  const reader = new ExactReader(chunks(4));
  await assert.rejects(reader.read(6), /ended 2 bytes early/);
});

Deno.test("ExactReader - close stops the source", async () => {
  let stopped = false;
  async function* source() {
    try {
      yield new Uint8Array(4);
      yield new Uint8Array(4);
    } finally {
      stopped = true;
    }
  }
  const reader = new ExactReader(source());
  await reader.read(2);
  await reader.close();
  assert.ok(stopped);
});
