/**
 * What an upload is while it is being received: one value per upload in the KV bucket
 * `attachment-uploads`, key `<tenant>.<upload id>`. Every change is a compare-and-set on the
 * entry's revision, so two instances never both move one upload on.
 * @module
 */
import { z } from "zod";
import { SEGMENT_BYTES } from "../crypto/segments.ts";

export const uploadPart = z.object({
  partNumber: z.number().int().min(1).max(10_000),
  etag: z.string(),
  /** Plaintext bytes the part holds (whole segments). */
  plainBytes: z.number().int().nonnegative(),
  /** sha256 (hex) of the part's plaintext. */
  sha256: z.string(),
});
export type UploadPart = z.infer<typeof uploadPart>;

/** Sealed segments not yet in a part, plus the trailing partial segment, as one object. */
export const pendingObject = z.object({
  key: z.string(),
  /** Whole sealed segments, sealed under their own index. */
  segments: z.number().int().nonnegative(),
  /** Plaintext bytes of the trailing partial segment, sealed under a pending nonce. */
  partialBytes: z.number().int().min(0).max(SEGMENT_BYTES - 1),
  /** The pending nonce counter value the partial segment was sealed with. */
  partialSeal: z.number().int().nonnegative(),
});
export type PendingObject = z.infer<typeof pendingObject>;

export const uploadState = z.object({
  id: z.string(),
  tenant: z.string(),
  ticketId: z.string(),
  uploaderId: z.string(),
  requesterId: z.string(),
  length: z.number().int().nonnegative(),
  metadata: z.record(z.string(), z.string()),
  objectKey: z.string(),
  /** The S3 multipart upload id (null for an empty file, which is put whole). */
  multipartId: z.string().nullable(),
  parts: z.array(uploadPart),
  pending: pendingObject.nullable(),
  /** Pending nonces handed out so far; each PATCH reserves one before it seals anything. */
  pendingSeals: z.number().int().nonnegative(),
  sealedKey: z.string(),
  /** base64 */
  noncePrefix: z.string(),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  /** `completing`: the object is whole, `onComplete` has not yet succeeded. */
  status: z.enum(["receiving", "completing", "complete"]),
  /** The PATCH receiving data now, and until when its claim holds (renewed per part). */
  lock: z.object({ holder: z.string(), until: z.number().int() }).nullable(),
  contentId: z.string().nullable(),
});
export type UploadState = z.infer<typeof uploadState>;

/** Plaintext bytes received and kept: the parts and the pending object. */
export function offsetOf(state: UploadState): number {
  const inParts = state.parts.reduce((sum, part) => sum + part.plainBytes, 0);
  const pending = state.pending
    ? state.pending.segments * SEGMENT_BYTES + state.pending.partialBytes
    : 0;
  return inParts + pending;
}

/** The index of the first segment not yet sealed into a part or the pending object. */
export function nextSegmentIndex(state: UploadState): number {
  const inParts = state.parts.reduce((sum, part) => sum + part.plainBytes, 0) / SEGMENT_BYTES;
  return inParts + (state.pending?.segments ?? 0);
}
