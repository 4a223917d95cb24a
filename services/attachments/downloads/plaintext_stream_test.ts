import assert from "node:assert/strict";
import { type AttachmentKey, sealSegment, SEGMENT_BYTES } from "../crypto/segments.ts";
import { ObjectStore } from "../storage/object_store.ts";
import { startTestS3 } from "../testing/s3.ts";
import { plaintextStream, type SealedObjects } from "./plaintext_stream.ts";

const key: AttachmentKey = {
  attachmentId: "31",
  cipher: "SM4GCM",
  key: new Uint8Array(16).fill(2),
  noncePrefix: new Uint8Array(8).fill(8),
};
const SEGMENTS = 128; // 8 MiB of plaintext

Deno.test("plaintextStream - pulls from the store only as the reader reads (constant memory)", async () => {
  const s3 = await startTestS3();
  try {
    const store = new ObjectStore({ ...s3, useSSL: false, bucket: "attachments" });
    await store.ensureBucket();
    const segment = new Uint8Array(SEGMENT_BYTES).fill(0x61);
    const sealed = Array.from(
      { length: SEGMENTS },
      (_, i) => sealSegment(key, i, segment, i === SEGMENTS - 1),
    );
    const whole = new Uint8Array(sealed.reduce((n, s) => n + s.length, 0));
    sealed.forEach((s, i) => whole.set(s, i * s.length));
    await store.put("acme/31", whole);
    let pulledBytes = 0;
    const counted: SealedObjects = {
      async getPartial(objectKey, offset, length) {
        const source = await store.getPartial(objectKey, offset, length);
        return (async function* () {
          for await (const chunk of source) {
            pulledBytes += chunk.length;
            yield chunk as Uint8Array;
          }
        })();
      },
    };
    const size = SEGMENTS * SEGMENT_BYTES;
    const reader = plaintextStream(counted, { objectKey: "acme/31", size }, key).getReader();
    const first = await reader.read();
    assert.equal(first.value?.length, SEGMENT_BYTES);
    assert.ok(pulledBytes < 4 * SEGMENT_BYTES, `pulled ${pulledBytes} bytes for one segment`);
    let total = first.value!.length;
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      total += next.value.length;
    }
    assert.equal(total, size);
  } finally {
    await s3.stop();
  }
});
