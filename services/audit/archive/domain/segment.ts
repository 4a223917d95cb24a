/**
 * An archive segment: a contiguous run of one chain's stored rows `(tenant, stream)` positions
 * `fromN..toN`, one JSON row a line (NDJSON), gzip-compressed, with a manifest naming its ends
 * and the digest of the compressed bytes. The manifest is signed as canonical JSON, like a
 * checkpoint. Pure: the archiver reads, compresses and uploads.
 * @module
 */
import { canonicalJson } from "../../domain/canonical_json.ts";
import type { HashAlg } from "../../domain/chain.ts";
import type { StoredRow } from "../../domain/verify_chain.ts";

/** The format a manifest names; a reader refuses any other. */
export const SEGMENT_FORMAT = "ticketd-audit-segment/1";

/** Sequences and positions in object keys are padded to 20 digits (2^64 has 20). */
const PAD = 20;

export interface SegmentManifest {
  format: typeof SEGMENT_FORMAT;
  tenant: string;
  stream: string;
  fromN: number;
  toN: number;
  fromSeq: number;
  toSeq: number;
  count: number;
  /** The chain hash before `fromN` (the genesis hash for the first segment). */
  prevHash: string;
  lastHash: string;
  /** The digest of the `.ndjson.gz` bytes: SM3 for `gm` tenants, SHA-256 otherwise. */
  digestAlg: HashAlg;
  digest: string;
  bytes: number;
  createdAt: string;
}

/** The `.manifest.json` object: the manifest and the audit key's signature over its statement. */
export interface SignedManifest {
  manifest: SegmentManifest;
  alg: "Ed25519" | "SM2";
  kid: string;
  signature: string;
}

/** Where a chain's segments live: `<tenant>/<stream>/`, each part URI-encoded. */
export function chainPrefix(tenant: string, stream: string): string {
  return `${encodeURIComponent(tenant)}/${encodeURIComponent(stream)}/`;
}

/** The object keys of a segment: `<tenant>/<stream>/<fromSeq>-<toSeq>.ndjson.gz` and its manifest. */
export function segmentKeys(
  tenant: string,
  stream: string,
  fromSeq: number,
  toSeq: number,
): { data: string; manifest: string } {
  const base = `${chainPrefix(tenant, stream)}${pad(fromSeq)}-${pad(toSeq)}`;
  return { data: `${base}.ndjson.gz`, manifest: `${base}.manifest.json` };
}

/** The segment's lines: each row as JSON, in position order, newline-terminated. */
export function segmentText(rows: readonly StoredRow[]): string {
  return rows.map((row) => JSON.stringify(row) + "\n").join("");
}

/** The rows of a segment's text; null when a line is not a row. */
export function parseSegmentText(text: string): StoredRow[] | null {
  const rows: StoredRow[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    try {
      const row = JSON.parse(line) as StoredRow;
      if (typeof row?.text !== "string" || !Number.isInteger(row.n)) return null;
      rows.push(row);
    } catch {
      return null;
    }
  }
  return rows;
}

/** The manifest of `rows` (one chain, in order, at least one) whose compressed bytes hash to `digest`. */
export function manifestOf(
  rows: readonly StoredRow[],
  compressed: { digestAlg: HashAlg; digest: string; bytes: number },
  createdAt: string,
): SegmentManifest {
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    format: SEGMENT_FORMAT,
    tenant: first.tenant,
    stream: first.stream,
    fromN: first.n,
    toN: last.n,
    fromSeq: first.seq,
    toSeq: last.seq,
    count: rows.length,
    prevHash: first.prevHash,
    lastHash: last.hash,
    ...compressed,
    createdAt,
  };
}

/** The exact text the audit key signs. */
export function manifestStatement(manifest: SegmentManifest): string {
  return canonicalJson(manifest);
}

/** What is wrong with `rows` as the content `manifest` describes, or null. */
export function manifestMismatch(
  manifest: SegmentManifest,
  rows: readonly StoredRow[],
): string | null {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (rows.length !== manifest.count) {
    return `it holds ${rows.length} entries, its manifest says ${manifest.count}`;
  }
  if (!first || first.n !== manifest.fromN || first.seq !== manifest.fromSeq) {
    return `it does not start at entry ${manifest.fromN} (seq ${manifest.fromSeq})`;
  }
  if (last.n !== manifest.toN || last.seq !== manifest.toSeq) {
    return `it does not end at entry ${manifest.toN} (seq ${manifest.toSeq})`;
  }
  if (first.prevHash !== manifest.prevHash || last.hash !== manifest.lastHash) {
    return "its end hashes are not its manifest's";
  }
  return null;
}

function pad(value: number): string {
  return String(value).padStart(PAD, "0");
}
