/**
 * The pending object of an unfinished upload: whole sealed segments not yet in a part, then the
 * trailing partial segment. The partial segment is sealed under a nonce that no segment of the
 * file can have: the nonce prefix with its top bit flipped (so `prefix' || k` never equals any
 * `prefix || index`), and a counter `k` each PATCH reserves in the upload state before it seals.
 * Changing only the attachment id would change the associated data, not the nonce.
 * @module
 */
import {
  type AttachmentKey,
  openSegment,
  SEALED_SEGMENT_BYTES,
  sealSegment,
} from "../crypto/segments.ts";

/** The key the partial segment is sealed with: same data key, disjoint nonces, own AAD. */
export function pendingKey(key: AttachmentKey): AttachmentKey {
  const noncePrefix = key.noncePrefix.slice();
  noncePrefix[0] ^= 0x80;
  return { ...key, attachmentId: `${key.attachmentId}:pending`, noncePrefix };
}

/** Seals the trailing partial plaintext under pending nonce `seal`. */
export function sealPartial(key: AttachmentKey, seal: number, plaintext: Uint8Array): Uint8Array {
  return sealSegment(pendingKey(key), seal, plaintext, false);
}

/** The pending object's bytes: sealed segments, then the sealed partial (if any). */
export function pendingBytes(sealedSegments: Uint8Array[], sealedPartial: Uint8Array | null) {
  const all = sealedPartial ? [...sealedSegments, sealedPartial] : sealedSegments;
  const out = new Uint8Array(all.reduce((sum, s) => sum + s.length, 0));
  let at = 0;
  for (const s of all) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}

/** Splits a pending object back into its sealed segments and its opened partial plaintext. */
export function splitPending(
  key: AttachmentKey,
  bytes: Uint8Array,
  pending: { segments: number; partialBytes: number; partialSeal: number },
): { sealedSegments: Uint8Array[]; partial: Uint8Array } {
  const sealedSegments: Uint8Array[] = [];
  for (let i = 0; i < pending.segments; i++) {
    sealedSegments.push(bytes.slice(i * SEALED_SEGMENT_BYTES, (i + 1) * SEALED_SEGMENT_BYTES));
  }
  const rest = bytes.subarray(pending.segments * SEALED_SEGMENT_BYTES);
  const partial = pending.partialBytes > 0
    ? openSegment(pendingKey(key), pending.partialSeal, rest, false)
    : new Uint8Array(0);
  return { sealedSegments, partial };
}
