import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import { allowedType, DEFAULT_ALLOWED_TYPES, parseAllowedTypes } from "./allowed_types.ts";
import { sniffType } from "./sniff.ts";

const refusedAs = (mime: string) => (e: unknown) =>
  e instanceof DomainError && e.code === "type_not_allowed" && e.status === 415 &&
  e.extra.detectedType === mime;

Deno.test("allowedType - the default admits images, pdf, office, archives, text and media", () => {
  for (const type of ["image", "pdf", "office", "archive", "text", "media"] as const) {
    const sniffed = { mime: "x/y", kind: type };
    assert.equal(allowedType(sniffed, DEFAULT_ALLOWED_TYPES), sniffed);
  }
});

Deno.test("allowedType - an executable is refused with 415 naming it, whatever the client said", () => {
  const exe = sniffType(new Uint8Array([0x4d, 0x5a, 0x90, 0]));
  assert.throws(
    () => allowedType(exe, DEFAULT_ALLOWED_TYPES),
    refusedAs("application/x-executable"),
  );
  assert.throws(() => allowedType(exe, ["unknown"]), refusedAs("application/x-executable"));
  assert.equal(allowedType(exe, ["application/x-executable"]), exe);
});

Deno.test("allowedType - unknown binaries are refused by default; a list of exact types narrows", () => {
  const blob = sniffType(new Uint8Array([1, 2, 3, 4, 5]));
  assert.throws(
    () => allowedType(blob, DEFAULT_ALLOWED_TYPES),
    refusedAs("application/octet-stream"),
  );
  const narrow = parseAllowedTypes("application/pdf, image");
  assert.throws(
    () => allowedType({ mime: "text/plain", kind: "text" }, narrow),
    refusedAs("text/plain"),
  );
  assert.ok(allowedType({ mime: "application/pdf", kind: "pdf" }, narrow));
  assert.ok(allowedType({ mime: "text/plain; charset=utf-16le", kind: "text" }, ["text/plain"]));
});

Deno.test("parseAllowedTypes - empty means the default; a word that is neither kind nor type fails", () => {
  assert.equal(parseAllowedTypes(undefined), DEFAULT_ALLOWED_TYPES);
  assert.equal(parseAllowedTypes(" "), DEFAULT_ALLOWED_TYPES);
  assert.deepEqual(parseAllowedTypes("Image,PDF"), ["image", "pdf"]);
  assert.throws(() => parseAllowedTypes("images"), /"images"/);
});
