/**
 * An attachment's plaintext, or a byte range of it, as a stream: one ranged GET for exactly the
 * sealed segments the range touches, each segment opened as it arrives and sliced to the range.
 * Pull-driven, so memory stays at about one segment however large the file.
 * @module
 */
import {
  type AttachmentKey,
  openSegment,
  SEGMENT_BYTES,
  SEGMENT_OVERHEAD,
  segmentCount,
  segmentsOf,
} from "../crypto/segments.ts";
import type { ByteRange } from "./byte_range.ts";
import { ExactReader } from "./exact_reader.ts";

/** The one read the stream needs from the object store (`ObjectStore.getPartial` fits). */
export interface SealedObjects {
  getPartial(key: string, offset: number, length?: number): Promise<AsyncIterable<Uint8Array>>;
}

/** Where an attachment's sealed content is and how long its plaintext is. */
export interface SealedContent {
  objectKey: string;
  size: number;
}

/**
 * Plaintext bytes `range` (default all) of `content`. A segment that does not open (altered,
 * moved, cut) errors the stream; `onError` hears of it first.
 */
export function plaintextStream(
  objects: SealedObjects,
  content: SealedContent,
  key: AttachmentKey,
  range: ByteRange = { start: 0, end: content.size - 1 },
  onError: (error: unknown) => void = () => {},
): ReadableStream<Uint8Array> {
  const { size } = content;
  if (size === 0 || range.end < range.start) return new Blob([]).stream();
  const span = segmentsOf(range.start, range.end, size);
  const lastOfFile = segmentCount(size) - 1;
  let index = span.first;
  let reader: ExactReader | undefined;
  const open = async () => {
    const length = span.sealedEnd - span.sealedStart + 1;
    return new ExactReader(await objects.getPartial(content.objectKey, span.sealedStart, length));
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        reader ??= await open();
        const sealed = await reader.read(plainLength(index, size) + SEGMENT_OVERHEAD);
        const plain = openSegment(key, index, sealed, index === lastOfFile);
        controller.enqueue(sliceToRange(plain, index, range));
        if (index++ === span.last) {
          controller.close();
          await reader.close();
        }
      } catch (error) {
        onError(error);
        await reader?.close();
        throw error;
      }
    },
    async cancel() {
      await reader?.close();
    },
  });
}

function plainLength(index: number, size: number): number {
  return Math.min(SEGMENT_BYTES, size - index * SEGMENT_BYTES);
}

/** The part of segment `index` (plaintext) that lies inside `range`. */
function sliceToRange(plain: Uint8Array, index: number, range: ByteRange): Uint8Array {
  const offset = index * SEGMENT_BYTES;
  const from = Math.max(range.start - offset, 0);
  const to = Math.min(range.end + 1 - offset, plain.length);
  return from === 0 && to === plain.length ? plain : plain.subarray(from, to);
}
