/**
 * The archiver's record of what it uploaded (`audit_archive_segments`), and retention: the one
 * path that may delete entries from `audit_entries`, and only those of a verified segment (the
 * table's trigger holds it to that).
 * @module
 */
import type { Sql } from "postgres";
import type { ChainKey } from "../store/audit_store.ts";
import type { SegmentManifest } from "./domain/segment.ts";

/** A row is the manifest it was uploaded with, where its objects are, and when it was pruned. */
export interface SegmentRecord extends Omit<SegmentManifest, "format"> {
  dataKey: string;
  manifestKey: string;
  prunedAt: string | null;
}

const COLUMNS = [
  "tenant",
  "stream",
  "from_n",
  "to_n",
  "from_seq",
  "to_seq",
  "count",
  "prev_hash",
  "last_hash",
  "digest_alg",
  "digest",
  "bytes",
  "data_key",
  "manifest_key",
  "created_at",
  "pruned_at",
];

type RawRecord = Omit<SegmentRecord, "fromN" | "toN" | "fromSeq" | "toSeq" | "bytes"> & {
  fromN: string;
  toN: string;
  fromSeq: string;
  toSeq: string;
  bytes: string;
  createdAt: Date;
  prunedAt: Date | null;
};

export class SegmentRecords {
  readonly #columns;

  constructor(readonly sql: Sql) {
    this.#columns = sql(COLUMNS);
  }

  /** The last segment of `chain`, or null before its first. */
  async last(chain: ChainKey): Promise<SegmentRecord | null> {
    const [row] = await this.sql<RawRecord[]>`
      select ${this.#columns} from audit_archive_segments
      where tenant = ${chain.tenant} and stream = ${chain.stream}
      order by from_n desc limit 1`;
    return row ? recordOf(row) : null;
  }

  /** Every segment of `chain` in position order. */
  async list(chain: ChainKey): Promise<SegmentRecord[]> {
    const rows = await this.sql<RawRecord[]>`
      select ${this.#columns} from audit_archive_segments
      where tenant = ${chain.tenant} and stream = ${chain.stream} order by from_n`;
    return rows.map(recordOf);
  }

  /** Records an uploaded segment whose objects were read back and matched. */
  async add(manifest: SegmentManifest, keys: { data: string; manifest: string }): Promise<void> {
    const { format: _format, ...fields } = manifest;
    await this.sql`insert into audit_archive_segments ${
      this.sql({
        ...fields,
        createdAt: new Date(manifest.createdAt),
        dataKey: keys.data,
        manifestKey: keys.manifest,
        verifiedAt: new Date(),
      })
    }`;
  }

  /** Verified segments uploaded at or before `before` whose entries are still hot, oldest first. */
  async prunable(before: Date, limit = 100): Promise<SegmentRecord[]> {
    const rows = await this.sql<RawRecord[]>`
      select ${this.#columns} from audit_archive_segments
      where pruned_at is null and verified_at is not null and created_at <= ${before}
      order by created_at limit ${limit}`;
    return rows.map(recordOf);
  }

  /** Removes `segment`'s entries from the hot table and marks it pruned; returns rows removed. */
  async prune(segment: SegmentRecord): Promise<number> {
    return await this.sql.begin(async (tx) => {
      await tx`select set_config('ticketd.audit_retention', 'on', true)`;
      const removed = await tx`delete from audit_entries
        where tenant = ${segment.tenant} and stream = ${segment.stream}
          and n between ${segment.fromN} and ${segment.toN}`;
      await tx`update audit_archive_segments set pruned_at = now()
        where tenant = ${segment.tenant} and stream = ${segment.stream}
          and from_n = ${segment.fromN}`;
      return removed.count;
    });
  }
}

function recordOf(row: RawRecord): SegmentRecord {
  return {
    ...row,
    fromN: Number(row.fromN),
    toN: Number(row.toN),
    fromSeq: Number(row.fromSeq),
    toSeq: Number(row.toSeq),
    bytes: Number(row.bytes),
    createdAt: row.createdAt.toISOString(),
    prunedAt: row.prunedAt?.toISOString() ?? null,
  };
}
