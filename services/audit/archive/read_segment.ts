/**
 * Reading a segment back from the bucket and judging it on its own: its manifest parses, is of
 * our format and its signature verifies with an audit public key; its data object exists, hashes
 * to the manifest's digest, decompresses to rows, and those rows are what the manifest names.
 * Used by verify and restore; the chain across segments is the caller's.
 * @module
 */
import type { StoredRow } from "../domain/verify_chain.ts";
import { type AuditPublicJwk, verifyStatement } from "../signing/audit_keys.ts";
import { digestOf, gunzip } from "./codec.ts";
import {
  manifestMismatch,
  manifestStatement,
  parseSegmentText,
  SEGMENT_FORMAT,
  type SegmentManifest,
  type SignedManifest,
} from "./domain/segment.ts";
import type { SegmentBucket } from "./segment_bucket.ts";

/** A segment that cannot be trusted, by its manifest's key. */
export interface SegmentFinding {
  kind: "bad_segment";
  key: string;
  detail: string;
}

/**
 * A segment as read: without a trusted manifest nothing else is judged (`rows` null). With one,
 * `rows` are whatever its data holds (null if unreadable) and `problem` what disagrees with the
 * manifest, so the caller can still name the first altered, removed or reordered entry.
 */
export interface OpenedSegment {
  key: string;
  manifest: SegmentManifest | null;
  rows: StoredRow[] | null;
  problem: SegmentFinding | null;
}

const decoder = new TextDecoder();

/** Downloads and checks the segment whose manifest is `manifestKey`. */
export async function openSegment(
  bucket: SegmentBucket,
  manifestKey: string,
  publicKeys: readonly AuditPublicJwk[],
): Promise<OpenedSegment> {
  const finding = (detail: string): SegmentFinding => ({
    kind: "bad_segment",
    key: manifestKey,
    detail,
  });
  const untrusted = (detail: string): OpenedSegment => ({
    key: manifestKey,
    manifest: null,
    rows: null,
    problem: finding(detail),
  });
  const manifestBytes = await bucket.get(manifestKey);
  if (!manifestBytes) return untrusted("its manifest is missing");
  let signed: SignedManifest;
  try {
    signed = JSON.parse(decoder.decode(manifestBytes)) as SignedManifest;
  } catch {
    return untrusted("its manifest is not JSON");
  }
  const { manifest } = signed;
  if (manifest?.format !== SEGMENT_FORMAT) return untrusted(`its format is not ${SEGMENT_FORMAT}`);
  const key = publicKeys.find((k) => k.kid === signed.kid);
  if (!key || key.alg !== signed.alg) {
    return untrusted(`no ${signed.alg} public key "${signed.kid}"`);
  }
  if (!(await verifyStatement(key, manifestStatement(manifest), signed.signature))) {
    return untrusted("its manifest's signature does not verify");
  }
  const opened = (rows: StoredRow[] | null, detail: string | null): OpenedSegment => ({
    key: manifestKey,
    manifest,
    rows,
    problem: detail === null ? null : finding(detail),
  });
  const data = await bucket.get(dataKeyOf(manifestKey));
  if (!data) return opened(null, "its data object is missing");
  const rows = await rowsOf(data);
  if (data.length !== manifest.bytes || digestOf(manifest.digestAlg, data) !== manifest.digest) {
    return opened(rows, `its data does not match the manifest's ${manifest.digestAlg} digest`);
  }
  if (!rows) return opened(null, "its data is not gzip NDJSON rows");
  return opened(rows, manifestMismatch(manifest, rows));
}

/** The data object's key beside a manifest's. */
function dataKeyOf(manifestKey: string): string {
  return manifestKey.replace(/\.manifest\.json$/, ".ndjson.gz");
}

async function rowsOf(data: Uint8Array): Promise<StoredRow[] | null> {
  try {
    return parseSegmentText(await gunzip(data));
  } catch {
    return null;
  }
}
