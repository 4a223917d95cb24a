import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import { SEALED_SEGMENT_BYTES } from "../crypto/segments.ts";
import { DEFAULT_PART_BYTES, uploadSettings } from "./settings.ts";

Deno.test("uploadSettings - the default part is whole sealed segments of at least 5 MiB", () => {
  assert.equal(uploadSettings().partBytes, DEFAULT_PART_BYTES);
  assert.equal(DEFAULT_PART_BYTES % SEALED_SEGMENT_BYTES, 0);
  assert.ok(DEFAULT_PART_BYTES >= 5 * 1024 * 1024);
});

Deno.test("uploadSettings - refuses a part under 5 MiB or not whole sealed segments", () => {
  const refused = (e: unknown) => e instanceof DomainError && e.code === "invalid_part_bytes";
  assert.throws(() => uploadSettings({ partBytes: 8 * 1024 * 1024 }), refused);
  assert.throws(() => uploadSettings({ partBytes: 64 * SEALED_SEGMENT_BYTES }), refused);
  assert.equal(
    uploadSettings({ partBytes: 80 * SEALED_SEGMENT_BYTES }).partBytes,
    80 * SEALED_SEGMENT_BYTES,
  );
});

Deno.test("uploadSettings - refuses a zero or fractional limit", () => {
  assert.throws(() => uploadSettings({ expiryMs: 0 }), DomainError);
  assert.throws(() => uploadSettings({ maxPatchBytes: 1.5 }), DomainError);
});
