import assert from "node:assert/strict";
import { LineSplitter } from "./line_splitter.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("LineSplitter - joins a line split across chunks and splits many in one", () => {
  const lines = new LineSplitter(100);
  assert.deepEqual(lines.push(bytes('{"a":')), []);
  assert.deepEqual(lines.push(bytes('1}\n{"b":2}\n{"c"')), [
    { text: '{"a":1}', cut: false },
    { text: '{"b":2}', cut: false },
  ]);
  assert.deepEqual(lines.end(), { text: '{"c"', cut: false });
  assert.equal(lines.end(), null);
});

Deno.test("LineSplitter - cuts a line over the limit, flags it at once and keeps no more of it", () => {
  const lines = new LineSplitter(4);
  assert.deepEqual(lines.push(bytes("abcdefgh")), []);
  assert.equal(lines.overflowing, true);
  lines.push(bytes("x".repeat(1_000)));
  assert.deepEqual(lines.push(bytes("\nok\n")), [
    { text: "abcd", cut: true },
    { text: "ok", cut: false },
  ]);
  assert.equal(lines.overflowing, false);
});

Deno.test("LineSplitter - a character split across chunks is decoded whole", () => {
  const lines = new LineSplitter(100);
  const text = bytes("人工\n");
  lines.push(text.subarray(0, 2));
  assert.deepEqual(lines.push(text.subarray(2)), [{ text: "人工", cut: false }]);
});
