/**
 * The named limits of resumable uploads, resolved and checked once.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import { SEALED_SEGMENT_BYTES } from "../crypto/segments.ts";

export interface UploadSettings {
  /** Largest file accepted (`Upload-Length`; `Tus-Max-Size`). */
  maxFileBytes: number;
  /** Largest body of one PATCH (or of a creation-with-upload POST). */
  maxPatchBytes: number;
  /** Sealed bytes per S3 part: at least 5 MiB (S3's minimum) and whole sealed segments. */
  partBytes: number;
  /** How long an unfinished upload lives after creation (`Upload-Expires`). */
  expiryMs: number;
  /** How long one PATCH holds an upload before another may take it over (renewed per part). */
  lockMs: number;
  /** How often the sweeper looks for expired uploads. */
  sweepIntervalMs: number;
}

const MiB = 1024 * 1024;
const S3_MIN_PART = 5 * MiB;

/** 128 sealed segments: the multiple of the sealed segment size nearest 8 MiB. */
export const DEFAULT_PART_BYTES = 128 * SEALED_SEGMENT_BYTES;

export const DEFAULT_UPLOAD_SETTINGS: UploadSettings = {
  maxFileBytes: 2 * 1024 * MiB,
  maxPatchBytes: 256 * MiB,
  partBytes: DEFAULT_PART_BYTES,
  expiryMs: 24 * 60 * 60 * 1000,
  lockMs: 60_000,
  sweepIntervalMs: 60_000,
};

/** The defaults with `overrides` applied; refuses a part size S3 or the segments cannot take. */
export function uploadSettings(overrides: Partial<UploadSettings> = {}): UploadSettings {
  const settings = { ...DEFAULT_UPLOAD_SETTINGS, ...overrides };
  const { partBytes } = settings;
  if (partBytes < S3_MIN_PART || partBytes % SEALED_SEGMENT_BYTES !== 0) {
    fail(
      "invalid_part_bytes",
      `Part size ${partBytes} must be at least ${S3_MIN_PART} and a multiple of ${SEALED_SEGMENT_BYTES}`,
      500,
    );
  }
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      fail("invalid_upload_setting", `Upload setting ${name} must be a positive integer`, 500);
    }
  }
  return settings;
}
