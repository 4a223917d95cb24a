import assert from "node:assert/strict";
import { type AttachmentKey, openSegment, sealSegment, SEGMENT_BYTES } from "../crypto/segments.ts";
import { pendingBytes, pendingKey, sealPartial, splitPending } from "./pending_seal.ts";

const key: AttachmentKey = {
  attachmentId: "42",
  cipher: "A256GCM",
  key: crypto.getRandomValues(new Uint8Array(32)),
  noncePrefix: crypto.getRandomValues(new Uint8Array(8)),
};

Deno.test("pendingKey - its nonce prefix differs from the file's in every case", () => {
  for (const first of [0, 0x7f, 0x80, 0xff]) {
    const k = { ...key, noncePrefix: Uint8Array.of(first, 1, 2, 3, 4, 5, 6, 7) };
    assert.notEqual(pendingKey(k).noncePrefix[0], first);
    assert.deepEqual(pendingKey(k).noncePrefix.subarray(1), k.noncePrefix.subarray(1));
  }
});

Deno.test("sealPartial - a partial segment never opens as a file segment of the same index", () => {
  const sealed = sealPartial(key, 0, new Uint8Array(10));
  assert.throws(() => openSegment(key, 0, sealed, false));
  assert.notDeepEqual(sealed, sealSegment(key, 0, new Uint8Array(10), false));
});

Deno.test("splitPending - returns the sealed segments as they were and opens the partial", () => {
  const whole = [0, 1].map((i) =>
    sealSegment(key, i, new Uint8Array(SEGMENT_BYTES).fill(i), false)
  );
  const partial = new Uint8Array([1, 2, 3]);
  const bytes = pendingBytes(whole, sealPartial(key, 5, partial));
  const split = splitPending(key, bytes, { segments: 2, partialBytes: 3, partialSeal: 5 });
  assert.deepEqual(split.sealedSegments, whole.map((s) => new Uint8Array(s)));
  assert.deepEqual(new Uint8Array(split.partial), partial);
  assert.throws(() => splitPending(key, bytes, { segments: 2, partialBytes: 3, partialSeal: 4 }));
});
