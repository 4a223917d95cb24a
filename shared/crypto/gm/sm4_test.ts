/**
 * SM4 against GB/T 32907-2016 Annex A (single block and the 1,000,000-fold encryption) and
 * against `sm-crypto-v2`'s ECB on random keys and blocks.
 * @module
 */
import assert from "node:assert/strict";
import { sm4 as reference } from "sm-crypto-v2";
import { DomainError } from "../../errors.ts";
import { Sm4 } from "./sm4.ts";

const KEY = Uint8Array.fromHex("0123456789abcdeffedcba9876543210");

Deno.test("Sm4 encrypts the GB/T 32907 Annex A.1 block and decrypts it back", () => {
  const cipher = new Sm4(KEY);
  const block = new Uint8Array(16);
  cipher.encryptBlock(KEY, 0, block, 0);
  assert.equal(block.toHex(), "681edf34d206965e86b3e94f536e4246");
  cipher.decryptBlock(block, 0, block, 0);
  assert.deepEqual(block, KEY);
});

Deno.test("Sm4 encrypting the Annex A.2 block 1,000,000 times in place gives 595298c7c6fd271f0402f804c33d3f66", () => {
  const cipher = new Sm4(KEY);
  const block = KEY.slice();
  for (let i = 0; i < 1_000_000; i++) cipher.encryptBlock(block, 0, block, 0);
  assert.equal(block.toHex(), "595298c7c6fd271f0402f804c33d3f66");
});

Deno.test("Sm4 reads and writes at the given offsets and leaves the rest of the buffers alone", () => {
  const cipher = new Sm4(KEY);
  const input = new Uint8Array(40).fill(0xee);
  input.set(KEY, 5);
  const output = new Uint8Array(40);
  cipher.encryptBlock(input, 5, output, 21);
  assert.equal(output.subarray(21, 37).toHex(), "681edf34d206965e86b3e94f536e4246");
  assert.ok(output.subarray(0, 21).every((b) => b === 0));
  assert.ok(output.subarray(37).every((b) => b === 0));
});

Deno.test("Sm4 encryptWords gives the same block as encryptBlock", () => {
  const cipher = new Sm4(KEY);
  const out = new Int32Array(4);
  cipher.encryptWords(0x01234567, 0x89abcdef | 0, 0xfedcba98 | 0, 0x76543210, out);
  assert.deepEqual([...new Uint32Array(out.buffer)], [
    0x681edf34,
    0xd206965e,
    0x86b3e94f,
    0x536e4246,
  ]);
});

Deno.test("Sm4 agrees with sm-crypto-v2 ECB on random keys and blocks, both directions", () => {
  for (let i = 0; i < 200; i++) {
    const key = crypto.getRandomValues(new Uint8Array(16));
    const plain = crypto.getRandomValues(new Uint8Array(16));
    const cipher = new Sm4(key);
    const block = new Uint8Array(16);
    cipher.encryptBlock(plain, 0, block, 0);
    const expected = reference.encrypt(plain, key, { padding: "none", output: "array" });
    assert.deepEqual(block, expected);
    cipher.decryptBlock(block, 0, block, 0);
    assert.deepEqual(block, plain);
  }
});

Deno.test("Sm4 refuses keys that are not 16 bytes", () => {
  for (const length of [0, 15, 17, 32]) {
    assert.throws(
      () => new Sm4(new Uint8Array(length)),
      (e) => e instanceof DomainError && e.code === "invalid_key",
    );
  }
});
