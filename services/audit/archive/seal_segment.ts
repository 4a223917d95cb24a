/**
 * Sealing one run of a chain: its rows checked as a chain continuing from the previous
 * segment, compressed, digested, the manifest signed, both objects uploaded and read back.
 * Only a segment that passed all of that is recorded (and so may later leave the hot table).
 * @module
 */
import { canonicalJson } from "../domain/canonical_json.ts";
import type { ChainHead, HashAlg } from "../domain/chain.ts";
import { ChainVerifier, type StoredRow } from "../domain/verify_chain.ts";
import type { AuditSigner } from "../signing/audit_keys.ts";
import { digestOf, gzip } from "./codec.ts";
import {
  manifestOf,
  manifestStatement,
  segmentKeys,
  segmentText,
  type SignedManifest,
} from "./domain/segment.ts";
import type { SegmentBucket } from "./segment_bucket.ts";

export interface SealInput {
  rows: readonly StoredRow[];
  /** Where the chain stood before the first row (the previous segment's end). */
  start: ChainHead;
  digestAlg: HashAlg;
  signer: AuditSigner;
  createdAt: string;
}

/** Why a run was not sealed: the hot rows themselves fail verification, or the upload did. */
export class SealError extends Error {
  override name = "SealError";
}

const encoder = new TextEncoder();

/** Uploads `input.rows` as a segment; returns its signed manifest and object keys. */
export async function sealSegment(bucket: SegmentBucket, input: SealInput) {
  const { rows, start } = input;
  const first = rows[0];
  const verifier = new ChainVerifier(first.tenant, first.stream, start);
  for (const row of rows) {
    const finding = verifier.push(row);
    if (finding) throw new SealError(`entry ${finding.n}: ${finding.detail}`);
  }
  const ended = verifier.end();
  if (ended) throw new SealError(`entry ${ended.n}: ${ended.detail}`);
  const data = await gzip(segmentText(rows));
  const digest = digestOf(input.digestAlg, data);
  const manifest = manifestOf(
    rows,
    { digestAlg: input.digestAlg, digest, bytes: data.length },
    input.createdAt,
  );
  const signed: SignedManifest = {
    manifest,
    alg: input.signer.alg,
    kid: input.signer.kid,
    signature: await input.signer.sign(manifestStatement(manifest)),
  };
  const manifestBytes = encoder.encode(canonicalJson(signed) + "\n");
  const keys = segmentKeys(manifest.tenant, manifest.stream, manifest.fromSeq, manifest.toSeq);
  await bucket.put(keys.data, data);
  await bucket.put(keys.manifest, manifestBytes);
  const [dataBack, manifestBack] = await Promise.all([
    bucket.get(keys.data),
    bucket.get(keys.manifest),
  ]);
  if (!dataBack || digestOf(input.digestAlg, dataBack) !== digest) {
    throw new SealError(`${keys.data}: read back different bytes`);
  }
  if (!manifestBack || !sameBytes(manifestBack, manifestBytes)) {
    throw new SealError(`${keys.manifest}: read back different bytes`);
  }
  return { signed, keys };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
