/**
 * Reading tus 1.0 request headers: `Upload-Length`, `Upload-Offset`, `Upload-Metadata` and
 * `Upload-Checksum`. Pure; every refusal is a typed error with the status tus clients expect.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";

export const TUS_VERSION = "1.0.0";
export const TUS_EXTENSIONS = "creation,creation-with-upload,termination,checksum,expiration";
export const CHECKSUM_ALGORITHMS = ["sha1", "md5", "sha256"] as const;
export type ChecksumAlgorithm = typeof CHECKSUM_ALGORITHMS[number];

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;
const METADATA_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
const decoder = new TextDecoder("utf-8", { fatal: true });

/** A non-negative decimal header (`Upload-Length`, `Upload-Offset`). */
export function parseByteCount(value: string | undefined, header: string): number {
  if (value === undefined) fail("missing_header", `Header ${header} is required`, 400);
  if (!DECIMAL.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    fail("invalid_header", `Header ${header} must be a non-negative integer`, 400);
  }
  return Number(value);
}

/** `key base64,key2 base64`: keys unique, values UTF-8 (a key alone means an empty value). */
export function parseMetadata(value: string | undefined): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const pair of (value ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
    const [key, encoded = "", ...rest] = pair.split(" ");
    if (!METADATA_KEY.test(key) || rest.length > 0 || Object.hasOwn(metadata, key)) {
      fail("invalid_metadata", `Upload-Metadata entry "${key.slice(0, 64)}" is malformed`, 400);
    }
    metadata[key] = decodeValue(key, encoded);
  }
  return metadata;
}

/** `<algorithm> <base64 digest>`; 400 for an algorithm this server does not offer. */
export function parseChecksum(
  value: string | undefined,
): { algorithm: ChecksumAlgorithm; digest: Uint8Array } | null {
  if (value === undefined) return null;
  const [algorithm, encoded, ...rest] = value.trim().split(" ");
  if (!(CHECKSUM_ALGORITHMS as readonly string[]).includes(algorithm)) {
    fail("checksum_algorithm_unsupported", `Checksum algorithm "${algorithm}" is not offered`, 400);
  }
  if (!encoded || rest.length > 0) fail("invalid_header", "Upload-Checksum is malformed", 400);
  return { algorithm: algorithm as ChecksumAlgorithm, digest: decodeBase64(encoded) };
}

function decodeValue(key: string, encoded: string): string {
  try {
    return decoder.decode(decodeBase64(encoded));
  } catch {
    fail("invalid_metadata", `Upload-Metadata value of "${key}" is not base64 of UTF-8`, 400);
  }
}

function decodeBase64(encoded: string): Uint8Array {
  try {
    return Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
  } catch {
    fail("invalid_header", "A base64 value in the request is malformed", 400);
  }
}
