import assert from "node:assert/strict";
import { decodeBase64, decodeBase64UrlStrict, encodeBase64, encodeBase64Url } from "./base64.ts";

Deno.test("base64 - standard and URL-safe forms round-trip every byte value", () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(decodeBase64(encodeBase64(bytes)), bytes);
  assert.deepEqual(decodeBase64(encodeBase64Url(bytes)), bytes);
  assert.ok(!encodeBase64Url(bytes).includes("="));
  assert.equal(encodeBase64(new TextEncoder().encode("hi?>")), "aGk/Pg==");
  assert.equal(encodeBase64Url(new TextEncoder().encode("hi?>")), "aGk_Pg");
});

Deno.test("base64 - text outside both alphabets is refused", () => {
  assert.throws(() => decodeBase64("not base64!"), SyntaxError);
});

Deno.test("decodeBase64UrlStrict - only the one canonical unpadded spelling is accepted", () => {
  assert.deepEqual(decodeBase64UrlStrict("aGk_Pg"), new TextEncoder().encode("hi?>"));
  assert.deepEqual(decodeBase64UrlStrict(""), new Uint8Array());
  for (const bad of ["aGk_Pg==", "aGk/Pg", "aGk_Ph", "a", "aG k"]) {
    assert.throws(() => decodeBase64UrlStrict(bad), SyntaxError, bad);
  }
});
