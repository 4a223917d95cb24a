/**
 * SM3 against GB/T 32905-2016 Annex A, HMAC-SM3 against GM/T 0042-2015 Appendix D.3, and both
 * against `sm-crypto-v2` and Deno's native SM3 on random lengths around the block boundaries.
 * @module
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { sm3 as referenceSm3 } from "sm-crypto-v2";
import { hmacSm3, sm3 } from "./sm3.ts";

const text = (s: string) => new TextEncoder().encode(s);
const range = (from: number, to: number) =>
  Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

Deno.test("sm3 of 'abc' is the GB/T 32905 Annex A.1 digest", () => {
  assert.equal(
    sm3(text("abc")).toHex(),
    "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
  );
});

Deno.test("sm3 of 'abcd' x 16 (one full block plus a padding block) is the Annex A.2 digest", () => {
  assert.equal(
    sm3(text("abcd".repeat(16))).toHex(),
    "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
  );
});

Deno.test("sm3 agrees with sm-crypto-v2 and native SM3 for every length from 0 to 200 bytes and large inputs", () => {
  const lengths = [...Array(201).keys(), 1000, 4096, 65536 + 55, 65536 + 56];
  for (const length of lengths) {
    const data = new Uint8Array(randomBytes(length));
    const ours = sm3(data).toHex();
    assert.equal(ours, referenceSm3(data), `length ${length}`);
    assert.equal(ours, createHash("sm3").update(data).digest("hex"), `length ${length}`);
  }
});

Deno.test("sm3 hashes a subarray view, not its underlying buffer", () => {
  const buffer = crypto.getRandomValues(new Uint8Array(300));
  const view = buffer.subarray(7, 207);
  assert.deepEqual(sm3(view), sm3(view.slice()));
});

Deno.test("hmacSm3 matches the four GM/T 0042-2015 Appendix D.3 vectors", () => {
  const abc56 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  const cases: [Uint8Array, Uint8Array, string][] = [
    [
      range(1, 32),
      text(abc56 + abc56),
      "ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a",
    ],
    [
      range(1, 37),
      new Uint8Array(50).fill(0xcd),
      "220bf579ded555393f0159f66c99877822a3ecf610d1552154b41d44b94db3ae",
    ],
    [
      new Uint8Array(32).fill(0x0b),
      text("Hi There"),
      "c0ba18c68b90c88bc07de794bfc7d2c8d19ec31ed8773bc2b390c9604e0be11e",
    ],
    [
      text("Jefe"),
      text("what do ya want for nothing?"),
      "2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882",
    ],
  ];
  for (const [key, data, mac] of cases) assert.equal(hmacSm3(key, data).toHex(), mac);
});

Deno.test("hmacSm3 agrees with sm-crypto-v2's HMAC for empty, block-sized and over-long keys", () => {
  for (const keyLength of [0, 1, 63, 64, 65, 128, 200]) {
    for (const dataLength of [0, 1, 55, 56, 64, 1000]) {
      const key = crypto.getRandomValues(new Uint8Array(keyLength));
      const data = crypto.getRandomValues(new Uint8Array(dataLength));
      assert.equal(
        hmacSm3(key, data).toHex(),
        referenceSm3(data, { key, mode: "hmac" }),
        `key ${keyLength}, data ${dataLength}`,
      );
    }
  }
});
