import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import { parseByteCount, parseChecksum, parseMetadata } from "./tus_headers.ts";

function failsWith(fn: () => unknown, code: string, status: number) {
  assert.throws(fn, (e) => e instanceof DomainError && e.code === code && e.status === status);
}

Deno.test("parseMetadata - decodes base64 UTF-8 values and keys without a value", () => {
  const utf8 = parseMetadata(
    `ticketId ${btoa("100")},filename ${
      btoa(String.fromCharCode(...new TextEncoder().encode("résumé.pdf")))
    },flag`,
  );
  assert.deepEqual(utf8, { ticketId: "100", filename: "résumé.pdf", flag: "" });
});

Deno.test("parseMetadata - a repeated key or bad base64 is a 400", () => {
  failsWith(() => parseMetadata(`a ${btoa("1")},a ${btoa("2")}`), "invalid_metadata", 400);
  failsWith(() => parseMetadata("a !!!"), "invalid_metadata", 400);
  failsWith(() => parseMetadata(`a ${btoa("\xff")}`), "invalid_metadata", 400);
});

Deno.test("parseByteCount - refuses missing, negative, fractional and huge values", () => {
  assert.equal(parseByteCount("0", "Upload-Length"), 0);
  assert.equal(parseByteCount("20000000", "Upload-Length"), 20_000_000);
  failsWith(() => parseByteCount(undefined, "Upload-Length"), "missing_header", 400);
  for (const bad of ["-1", "1.5", "01", "", "99999999999999999999"]) {
    failsWith(() => parseByteCount(bad, "Upload-Offset"), "invalid_header", 400);
  }
});

Deno.test("parseChecksum - reads sha1 and md5, refuses an unknown algorithm with 400", () => {
  assert.equal(parseChecksum(undefined), null);
  assert.deepEqual(parseChecksum(`sha1 ${btoa("abc")}`)?.digest, new Uint8Array([97, 98, 99]));
  assert.equal(parseChecksum(`md5 ${btoa("x")}`)?.algorithm, "md5");
  failsWith(() => parseChecksum(`crc32 ${btoa("x")}`), "checksum_algorithm_unsupported", 400);
  failsWith(() => parseChecksum("sha1"), "invalid_header", 400);
});
