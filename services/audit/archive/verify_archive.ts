/**
 * Verifying the archive offline: every chain's segments in the bucket, in order, each opened
 * and judged (read_segment.ts), their rows fed through one chain verifier across segment
 * boundaries, so the first altered, removed or reordered entry is named wherever it lies; a
 * segment the database recorded but the bucket lacks is named too. It returns where each chain's
 * hot rows take over (`startOf`), for the hot-table verification to continue the same chain.
 * @module
 */
import { type ChainHead, EMPTY_HEAD } from "../domain/chain.ts";
import { ChainVerifier, type Finding } from "../domain/verify_chain.ts";
import type { AuditPublicJwk } from "../signing/audit_keys.ts";
import type { AuditStore, ChainKey } from "../store/audit_store.ts";
import { chainPrefix } from "./domain/segment.ts";
import { openSegment, type SegmentFinding } from "./read_segment.ts";
import type { SegmentBucket } from "./segment_bucket.ts";
import type { SegmentRecords } from "./segment_records.ts";

export interface ArchiveVerifyReport {
  chains: number;
  segments: number;
  entries: number;
  seconds: number;
  finding: Finding | SegmentFinding | null;
  /** The verified head just before `chain`'s first hot row (undefined: it starts at entry 1). */
  startOf(chain: ChainKey): ChainHead | undefined;
}

export interface ArchiveVerifyDeps {
  bucket: SegmentBucket;
  store: AuditStore;
  records: SegmentRecords;
  publicKeys: readonly AuditPublicJwk[];
  progress?: (entries: number) => void;
}

/** Checks every archived segment; stops at the first finding. */
export async function verifyArchive(deps: ArchiveVerifyDeps): Promise<ArchiveVerifyReport> {
  const started = performance.now();
  const starts = new Map<string, ChainHead>();
  let segments = 0;
  let entries = 0;
  const chains = await allChains(deps);
  const report = (finding: Finding | SegmentFinding | null): ArchiveVerifyReport => ({
    chains: chains.length,
    segments,
    entries,
    seconds: (performance.now() - started) / 1000,
    finding,
    startOf: (chain) => starts.get(idOf(chain)),
  });
  for (const chain of chains) {
    const keys = (await deps.bucket.list(chainPrefix(chain.tenant, chain.stream)))
      .filter((key) => key.endsWith(".manifest.json"));
    const verifier = new ChainVerifier(chain.tenant, chain.stream);
    const boundaries = new Map<number, ChainHead>([[0, EMPTY_HEAD]]);
    let last = EMPTY_HEAD;
    for (const key of keys) {
      const segment = await openSegment(deps.bucket, key, deps.publicKeys);
      if (!segment.manifest || !segment.rows) return report(segment.problem);
      for (const row of segment.rows) {
        const finding = verifier.push(row);
        if (finding) return report(await named(deps, chain, finding));
        last = { n: row.n, seq: row.seq, hash: row.hash };
        if (++entries % 50_000 === 0) deps.progress?.(entries);
      }
      if (segment.problem) return report(segment.problem);
      boundaries.set(last.n, last);
      segments++;
    }
    const gone = await recordedButGone(deps, chain, keys);
    if (gone) return report(gone);
    // The hot rows start after `handOver`: the archive must reach it, and end on it exactly.
    const firstHot = await firstHotRow(deps.store, chain);
    const handOver = firstHot ? firstHot.n - 1 : (await headOf(deps.store, chain))?.n ?? 0;
    const start = boundaries.get(handOver);
    if (handOver > last.n) {
      return report({
        kind: "removed",
        tenant: chain.tenant,
        stream: chain.stream,
        n: last.n + 1,
        seq: null,
        detail: `entries ${last.n + 1}..${handOver} are neither archived nor hot`,
      });
    }
    // Nothing hot (all archived entries past retention): the hot check holds the head to the end.
    if (!firstHot) starts.set(idOf(chain), last);
    else if (start) starts.set(idOf(chain), start);
  }
  return report(null);
}

/** Chains of the database and of the bucket (an archive outlives a lost database). */
async function allChains(deps: ArchiveVerifyDeps): Promise<ChainKey[]> {
  const byId = new Map((await deps.store.chains()).map((c) => [idOf(c), c]));
  for (const key of await deps.bucket.list("")) {
    const [tenant, stream] = key.split("/").map(decodeURIComponent);
    if (stream && !byId.has(idOf({ tenant, stream }))) {
      byId.set(idOf({ tenant, stream }), {
        tenant,
        stream,
      });
    }
  }
  return [...byId.values()].sort((a, b) => idOf(a) < idOf(b) ? -1 : 1);
}

/** A segment the archiver recorded whose manifest the bucket no longer lists. */
async function recordedButGone(
  deps: ArchiveVerifyDeps,
  chain: ChainKey,
  listed: readonly string[],
): Promise<Finding | null> {
  const present = new Set(listed);
  const missing = (await deps.records.list(chain)).find((r) => !present.has(r.manifestKey));
  if (!missing) return null;
  return {
    kind: "removed",
    tenant: chain.tenant,
    stream: chain.stream,
    n: missing.fromN,
    seq: missing.fromSeq,
    detail: `segment ${missing.manifestKey} (entries ${missing.fromN}..${missing.toN}) is gone`,
  };
}

/** A gap finding, with the name of the recorded segment that held the missing entries. */
async function named(deps: ArchiveVerifyDeps, chain: ChainKey, finding: Finding) {
  if (finding.kind !== "removed") return finding;
  const holder = (await deps.records.list(chain))
    .find((r) => r.fromN <= finding.n && finding.n <= r.toN);
  return holder
    ? { ...finding, detail: `${finding.detail} (segment ${holder.manifestKey})` }
    : finding;
}

async function firstHotRow(store: AuditStore, chain: ChainKey) {
  for await (const row of store.rows(chain, { pageSize: 1 })) return row;
  return null;
}

async function headOf(store: AuditStore, chain: ChainKey) {
  return (await store.heads(chain.stream)).get(chain.tenant);
}

function idOf(chain: ChainKey): string {
  return `${chain.tenant}\u0000${chain.stream}`;
}
