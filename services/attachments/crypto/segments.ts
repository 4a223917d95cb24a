/**
 * Attachment content at rest: cut into fixed-size plaintext segments, each sealed on its own with
 * the attachment's data key (AES-256-GCM, or SM4-GCM for `gm` tenants), so a range request opens
 * only the segments it touches and an upload or download streams in constant memory. The nonce is
 * the attachment's random 8-byte prefix and the segment's index; the associated data binds the
 * attachment id, the index and whether it is the last segment, so segments cannot be moved,
 * reordered, swapped between attachments or cut off at the end without failing to open.
 * @module
 */
import { decryptData, encryptData } from "@ticketd/shared/crypto/data_cipher.ts";
import type { DataCipher } from "@ticketd/shared/crypto/profiles.ts";

/** Plaintext bytes per segment; every segment but the last is exactly this long. */
export const SEGMENT_BYTES = 64 * 1024;
/** What sealing adds to each segment (the GCM tag). */
export const SEGMENT_OVERHEAD = 16;
export const SEALED_SEGMENT_BYTES = SEGMENT_BYTES + SEGMENT_OVERHEAD;

export interface AttachmentKey {
  attachmentId: string;
  cipher: DataCipher;
  /** 32 bytes (AES-256) or 16 (SM4). */
  key: Uint8Array;
  /** 8 random bytes, chosen once per attachment. */
  noncePrefix: Uint8Array;
}

const encoder = new TextEncoder();

/** Seals segment `index` (`final` for the last one; an empty file is one empty final segment). */
export function sealSegment(
  key: AttachmentKey,
  index: number,
  plaintext: Uint8Array,
  final: boolean,
): Uint8Array {
  return encryptData(key.cipher, key.key, nonce(key, index), plaintext, aad(key, index, final));
}

/** Opens segment `index`; throws `decryption_failed` if it was altered, moved or cut. */
export function openSegment(
  key: AttachmentKey,
  index: number,
  sealed: Uint8Array,
  final: boolean,
): Uint8Array {
  return decryptData(key.cipher, key.key, nonce(key, index), sealed, aad(key, index, final));
}

/** Segments a file of `plainBytes` has (at least one). */
export function segmentCount(plainBytes: number): number {
  return Math.max(1, Math.ceil(plainBytes / SEGMENT_BYTES));
}

/** Bytes the sealed form of a file of `plainBytes` takes in the object store. */
export function sealedBytes(plainBytes: number): number {
  return plainBytes + segmentCount(plainBytes) * SEGMENT_OVERHEAD;
}

/** The segments holding plaintext bytes `start`..`end` (inclusive) of a `plainBytes` file. */
export function segmentsOf(start: number, end: number, plainBytes: number) {
  const first = Math.floor(start / SEGMENT_BYTES);
  const last = Math.min(Math.floor(end / SEGMENT_BYTES), segmentCount(plainBytes) - 1);
  return {
    first,
    last,
    /** Where those segments start and end in the sealed object (for a ranged GET). */
    sealedStart: first * SEALED_SEGMENT_BYTES,
    sealedEnd: Math.min((last + 1) * SEALED_SEGMENT_BYTES, sealedBytes(plainBytes)) - 1,
  };
}

function nonce(key: AttachmentKey, index: number): Uint8Array {
  if (key.noncePrefix.length !== 8) throw new Error("an attachment nonce prefix is 8 bytes");
  const iv = new Uint8Array(12);
  iv.set(key.noncePrefix);
  new DataView(iv.buffer).setUint32(8, index);
  return iv;
}

function aad(key: AttachmentKey, index: number, final: boolean): Uint8Array {
  return encoder.encode(`ticketd-attachment:${key.attachmentId}:${index}:${final ? 1 : 0}`);
}
