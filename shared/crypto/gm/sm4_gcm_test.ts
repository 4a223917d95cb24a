/**
 * SM4-GCM against RFC 8998 Appendix A.1, against `sm-crypto-v2`'s GCM on random inputs, and the
 * failures `open` must refuse, with the library's unauthenticated decrypt shown beside them.
 * @module
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { sm4 as reference } from "sm-crypto-v2";
import { DomainError } from "../../errors.ts";
import { Sm4Gcm, sm4GcmOpen, sm4GcmSeal } from "./sm4_gcm.ts";

const KEY = Uint8Array.fromHex("0123456789abcdeffedcba9876543210");
const IV = Uint8Array.fromHex("00001234567800000000abcd");
const AAD = Uint8Array.fromHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
const PLAIN = Uint8Array.fromHex(
  "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd" +
    "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa",
);
const CIPHER = "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735" +
  "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d";
const TAG = "83de3541e4c2b58177e065a9bf7b62ec";
const SEALED = Uint8Array.fromHex(CIPHER + TAG);

const bytes = (n: number) => new Uint8Array(randomBytes(n));
const decryptionFailed = (e: unknown) => e instanceof DomainError && e.code === "decryption_failed";

Deno.test("sm4GcmSeal produces the RFC 8998 A.1 ciphertext and tag", () => {
  assert.equal(sm4GcmSeal(KEY, IV, PLAIN, AAD).toHex(), CIPHER + TAG);
});

Deno.test("sm4GcmOpen opens the RFC 8998 A.1 sealed value", () => {
  assert.deepEqual(sm4GcmOpen(KEY, IV, SEALED, AAD), PLAIN);
});

Deno.test("sm4GcmOpen throws decryption_failed for a flipped bit anywhere, or the wrong key, IV or AAD", () => {
  for (const index of [0, 31, 63, 64, 79]) {
    const damaged = SEALED.slice();
    damaged[index] ^= 1;
    assert.throws(() => sm4GcmOpen(KEY, IV, damaged, AAD), decryptionFailed, `byte ${index}`);
  }
  const otherKey = KEY.slice();
  otherKey[15] ^= 1;
  const otherIv = IV.slice();
  otherIv[0] ^= 1;
  assert.throws(() => sm4GcmOpen(otherKey, IV, SEALED, AAD), decryptionFailed);
  assert.throws(() => sm4GcmOpen(KEY, otherIv, SEALED, AAD), decryptionFailed);
  assert.throws(() => sm4GcmOpen(KEY, IV, SEALED, AAD.subarray(1)), decryptionFailed);
  assert.throws(() => sm4GcmOpen(KEY, IV, SEALED), decryptionFailed);
  assert.throws(() => sm4GcmOpen(KEY, IV.subarray(0, 11), SEALED, AAD), decryptionFailed);
});

Deno.test("trap: sm-crypto-v2's GCM decrypt without a tag returns tampered plaintext; sm4GcmOpen refuses a missing or short tag", () => {
  const tampered = Uint8Array.fromHex(CIPHER);
  tampered[0] ^= 0xff;
  const options = { mode: "gcm" as const, iv: IV, associatedData: AAD, output: "array" as const };
  const unauthenticated = reference.decrypt(tampered, KEY, options);
  assert.equal(unauthenticated.length, PLAIN.length);
  assert.notDeepEqual(unauthenticated, PLAIN);
  // Given the tag, the library does check it.
  assert.throws(() => reference.decrypt(tampered, KEY, { ...options, tag: TAG }), /tag mismatch/);

  // Ours has no tag-less mode: the last 16 bytes are the tag, and fewer than 16 is an error.
  assert.throws(() => sm4GcmOpen(KEY, IV, tampered, AAD), decryptionFailed);
  assert.throws(() => sm4GcmOpen(KEY, IV, Uint8Array.fromHex(CIPHER), AAD), decryptionFailed);
  assert.throws(
    () => sm4GcmOpen(KEY, IV, SEALED.subarray(0, SEALED.length - 4), AAD),
    decryptionFailed,
  );
  assert.throws(() => sm4GcmOpen(KEY, IV, SEALED.subarray(0, 15), AAD), decryptionFailed);
  assert.throws(() => sm4GcmOpen(KEY, IV, new Uint8Array(0), AAD), decryptionFailed);
});

Deno.test("sm4GcmSeal agrees with sm-crypto-v2's GCM on random keys, IVs, AAD and lengths 0-100 and 64 KiB", () => {
  const lengths = [...Array(101).keys(), 1024, 65536];
  for (const length of lengths) {
    const key = bytes(16), iv = bytes(12), aad = bytes(length % 37), plain = bytes(length);
    const sealed = sm4GcmSeal(key, iv, plain, aad);
    const expected = reference.encrypt(plain, key, {
      mode: "gcm",
      iv,
      associatedData: aad,
      output: "array",
      outputTag: true,
    });
    assert.equal(
      sealed.toHex(),
      expected.output.toHex() + expected.tag!.toHex(),
      `length ${length}`,
    );
    assert.deepEqual(sm4GcmOpen(key, iv, sealed, aad), plain);
    const back = reference.decrypt(sealed.subarray(0, length), key, {
      mode: "gcm",
      iv,
      associatedData: aad,
      tag: sealed.subarray(length),
      output: "array",
    });
    assert.deepEqual(back, plain);
  }
});

Deno.test("an Sm4Gcm instance seals and opens repeatedly with the same result as the cached functions", () => {
  const key = bytes(16);
  const gcm = new Sm4Gcm(key);
  for (let i = 0; i < 5; i++) {
    const iv = bytes(12), plain = bytes(100 * i), aad = bytes(i);
    const sealed = gcm.seal(iv, plain, aad);
    assert.deepEqual(sealed, sm4GcmSeal(key, iv, plain, aad));
    assert.deepEqual(gcm.open(iv, sealed, aad), plain);
  }
});

Deno.test("sm4GcmSeal refuses keys that are not 16 bytes and IVs that are not 12", () => {
  const code = (c: string) => (e: unknown) => e instanceof DomainError && e.code === c;
  assert.throws(() => sm4GcmSeal(bytes(32), IV, PLAIN, AAD), code("invalid_key"));
  assert.throws(() => sm4GcmSeal(KEY, bytes(16), PLAIN, AAD), code("invalid_iv"));
  assert.throws(() => sm4GcmOpen(bytes(15), IV, SEALED, AAD), code("invalid_key"));
});

Deno.test("trap: sm-crypto-v2's GCM zero-pads a short key and truncates a long one; ours refuses both", () => {
  const iv = new Uint8Array(12), plain = new Uint8Array(16);
  const seal = (key: Uint8Array) =>
    reference.encrypt(plain, key, { mode: "gcm", iv, output: "array", outputTag: true }).output;
  const short = Uint8Array.fromHex("0123456789abcdef");
  assert.deepEqual(seal(short), seal(Uint8Array.fromHex("0123456789abcdef0000000000000000")));
  assert.deepEqual(seal(new Uint8Array(32).fill(7)), seal(new Uint8Array(16).fill(7)));

  const invalidKey = (e: unknown) => e instanceof DomainError && e.code === "invalid_key";
  assert.throws(() => sm4GcmSeal(short, iv, plain), invalidKey);
  assert.throws(() => sm4GcmSeal(new Uint8Array(32).fill(7), iv, plain), invalidKey);
});
