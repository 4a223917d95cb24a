/**
 * GHASH checked independently of SM4: AES-GCM assembled from node's AES block and our GHASH
 * must give node's own AES-GCM tags.
 * @module
 */
import assert from "node:assert/strict";
import { createCipheriv, randomBytes } from "node:crypto";
import { Ghash } from "./ghash.ts";

function aesBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const cipher = createCipheriv("aes-128-ecb", key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(block), cipher.final()]));
}

Deno.test("Ghash with AES gives the same GCM tags as node's aes-128-gcm for AAD and ciphertext of many lengths", () => {
  for (
    const [aadLength, length] of [[0, 0], [0, 1], [13, 16], [16, 17], [20, 64], [1, 255], [
      100,
      1000,
    ]]
  ) {
    const key = new Uint8Array(randomBytes(16));
    const iv = new Uint8Array(randomBytes(12));
    const aad = new Uint8Array(randomBytes(aadLength));
    const plain = new Uint8Array(randomBytes(length));
    const gcm = createCipheriv("aes-128-gcm", key, iv).setAAD(aad);
    const ciphertext = new Uint8Array(Buffer.concat([gcm.update(plain), gcm.final()]));
    const expectedTag = new Uint8Array(gcm.getAuthTag());

    const ghash = new Ghash(aesBlock(key, new Uint8Array(16)));
    ghash.update(aad, 0, aad.length);
    ghash.update(ciphertext, 0, ciphertext.length);
    ghash.updateWords(0, aadLength * 8, 0, length * 8);
    const s = new Int32Array(4);
    ghash.digestWords(s);
    const j0 = new Uint8Array(16);
    j0.set(iv);
    j0[15] = 1;
    const mask = aesBlock(key, j0);
    const tag = new Uint8Array(16);
    for (let i = 0; i < 16; i++) tag[i] = mask[i] ^ (s[i >> 2] >>> (24 - 8 * (i & 3)));
    assert.deepEqual(tag, expectedTag, `aad ${aadLength}, data ${length}`);
  }
});
