import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import {
  type AttachmentKey,
  openSegment,
  sealedBytes,
  sealSegment,
  SEGMENT_BYTES,
  segmentsOf,
} from "./segments.ts";

const key: AttachmentKey = {
  attachmentId: "42",
  cipher: "A256GCM",
  key: new Uint8Array(32).fill(7),
  noncePrefix: new Uint8Array(8).fill(1),
};
const gm: AttachmentKey = { ...key, cipher: "SM4GCM", key: new Uint8Array(16).fill(3) };

Deno.test("a sealed segment opens to its plaintext, under AES-256-GCM and SM4-GCM", () => {
  const text = new TextEncoder().encode("合同扫描件 page 1");
  for (const k of [key, gm]) {
    const sealed = sealSegment(k, 3, text, false);
    assert.equal(sealed.length, text.length + 16);
    assert.deepEqual(new Uint8Array(openSegment(k, 3, sealed, false)), text);
  }
});

Deno.test("a segment moved to another index, attachment or finality does not open", () => {
  const sealed = sealSegment(key, 0, new Uint8Array([1, 2, 3]), false);
  const refused = (e: unknown) => e instanceof DomainError && e.code === "decryption_failed";
  assert.throws(() => openSegment(key, 1, sealed, false), refused);
  assert.throws(() => openSegment({ ...key, attachmentId: "43" }, 0, sealed, false), refused);
  assert.throws(() => openSegment(key, 0, sealed, true), refused); // cut off after it
});

Deno.test("sizes and ranges: an empty file is one empty segment; a range maps to whole segments", () => {
  assert.equal(sealedBytes(0), 16);
  assert.equal(sealedBytes(SEGMENT_BYTES), SEGMENT_BYTES + 16);
  assert.equal(sealedBytes(SEGMENT_BYTES + 1), SEGMENT_BYTES + 1 + 32);
  const range = segmentsOf(SEGMENT_BYTES - 1, SEGMENT_BYTES + 10, 3 * SEGMENT_BYTES);
  assert.deepEqual([range.first, range.last], [0, 1]);
  assert.deepEqual([range.sealedStart, range.sealedEnd], [0, 2 * (SEGMENT_BYTES + 16) - 1]);
  const tail = segmentsOf(0, 10, 5);
  assert.deepEqual([tail.first, tail.last, tail.sealedEnd], [0, 0, 5 + 16 - 1]);
});
