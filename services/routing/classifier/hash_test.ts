import assert from "node:assert/strict";
import { fnv1a32 } from "./hash.ts";

/** Reference FNV-1a over TextEncoder bytes, to check the hand-rolled UTF-8 walk. */
function referenceFnv(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

Deno.test("fnv1a32 - matches the published FNV-1a test vectors", () => {
  assert.equal(fnv1a32(""), 0x811c9dc5);
  assert.equal(fnv1a32("a"), 0xe40c292c);
  assert.equal(fnv1a32("foobar"), 0xbf9cf968);
});

Deno.test("fnv1a32 - hashes the UTF-8 bytes of Chinese, accented and astral text", () => {
  for (const text of ["崩溃", "闪退 数据丢失", "café", "naïve 😀 ok", "Ω≈ç√"]) {
    assert.equal(fnv1a32(text), referenceFnv(text), text);
  }
});
