/**
 * The audit tables (postgres.js, camel transform): a chained batch, its chain heads and the
 * stream position written in one transaction; heads and positions read back at start; a chain's
 * rows from position a to b in order, for verification and (later) archiving.
 * @module
 */
import type { Sql } from "postgres";
import type { ChainedBatch } from "../domain/chain_batch.ts";
import type { ChainHead, HashAlg } from "../domain/chain.ts";
import type { StoredRow } from "../domain/verify_chain.ts";

// 14 columns a row: a few thousand rows stay well under PostgreSQL's 65,535 parameters.
const INSERT_CHUNK = 2_000;

export interface ChainKey {
  tenant: string;
  stream: string;
}

/** Reads and appends the audit log in `sql`'s database (and schema, by its search path). */
export class AuditStore {
  constructor(readonly sql: Sql) {}

  /** Appends `batch` of `stream`, moves its heads and the stream's position, all or nothing. */
  async append(stream: string, batch: ChainedBatch): Promise<void> {
    const rows = batch.entries.map(({ entry, text, alg, prevHash, hash }) => ({
      tenant: entry.tenant,
      stream,
      n: entry.n,
      seq: entry.source.seq,
      at: entry.at,
      actorId: entry.actor.id,
      actorRole: entry.actor.role,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id,
      entry: text,
      alg,
      prevHash,
      hash,
    }));
    const heads = [...batch.heads].map(([tenant, head]) => ({ tenant, stream, ...head }));
    await this.sql.begin(async (tx) => {
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await tx`insert into audit_entries ${tx(rows.slice(i, i + INSERT_CHUNK))}`;
      }
      if (heads.length > 0) {
        await tx`insert into audit_chain_heads ${tx(heads)}
          on conflict (tenant, stream) do update
          set n = excluded.n, seq = excluded.seq, hash = excluded.hash`;
      }
      await tx`insert into audit_positions (stream, seq) values (${stream}, ${batch.lastSeq})
        on conflict (stream) do update set seq = excluded.seq`;
    });
  }

  /** The last source sequence written for `stream` (0: none). */
  async position(stream: string): Promise<number> {
    const [row] = await this.sql<{ seq: string }[]>`
      select seq from audit_positions where stream = ${stream}`;
    return row ? Number(row.seq) : 0;
  }

  /** Sets where `stream` starts (a replay from a point in time), without entries. */
  async setPosition(stream: string, seq: number): Promise<void> {
    await this.sql`insert into audit_positions (stream, seq) values (${stream}, ${seq})
      on conflict (stream) do update set seq = excluded.seq`;
  }

  /** The heads of `stream`'s chains, by tenant. */
  async heads(stream: string): Promise<Map<string, ChainHead>> {
    const rows = await this.sql<{ tenant: string; n: string; seq: string; hash: string }[]>`
      select tenant, n, seq, hash from audit_chain_heads where stream = ${stream}`;
    return new Map(rows.map((r) => [r.tenant, head(r)]));
  }

  /** Every head of `tenant`, by stream. */
  async tenantHeads(tenant: string): Promise<Map<string, ChainHead>> {
    const rows = await this.sql<{ stream: string; n: string; seq: string; hash: string }[]>`
      select stream, n, seq, hash from audit_chain_heads where tenant = ${tenant}`;
    return new Map(rows.map((r) => [r.stream, head(r)]));
  }

  /** Seeds heads (a replay continuing the chains from the entries before its start). */
  async seedHeads(stream: string, heads: ReadonlyMap<string, ChainHead>): Promise<void> {
    const rows = [...heads].map(([tenant, h]) => ({ tenant, stream, ...h }));
    if (rows.length > 0) await this.sql`insert into audit_chain_heads ${this.sql(rows)}`;
  }

  /** Every chain the log holds (by its heads or by its entries, should a head be missing). */
  async chains(): Promise<ChainKey[]> {
    return await this.sql<ChainKey[]>`
      select tenant, stream from audit_chain_heads
      union select distinct tenant, stream from audit_entries
      order by tenant, stream`;
  }

  /** The last entry of every chain of `stream` before source sequence `seq`. */
  async headsBefore(stream: string, seq: number): Promise<Map<string, ChainHead>> {
    const rows = await this.sql<{ tenant: string; n: string; seq: string; hash: string }[]>`
      select distinct on (tenant) tenant, n, seq, hash from audit_entries
      where stream = ${stream} and seq < ${seq} order by tenant, n desc`;
    return new Map(rows.map((r) => [r.tenant, head(r)]));
  }

  /** A chain's stored rows in stored order, positions `fromN` to `toN`, read in pages. */
  async *rows(
    key: ChainKey,
    { fromN = 1, toN = Number.MAX_SAFE_INTEGER, pageSize = 5_000 } = {},
  ): AsyncGenerator<StoredRow> {
    let after = fromN - 1;
    for (;;) {
      const page = await this.sql<RawRow[]>`
        select tenant, stream, n, seq, at, actor_id, action, target_type, target_id,
          entry, alg, prev_hash, hash
        from audit_entries
        where tenant = ${key.tenant} and stream = ${key.stream} and n > ${after} and n <= ${toN}
        order by n limit ${pageSize}`;
      for (const row of page) yield storedRow(row);
      if (page.length < pageSize) return;
      after = Number(page.at(-1)!.n);
    }
  }
}

interface RawRow {
  tenant: string;
  stream: string;
  n: string;
  seq: string;
  at: Date;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  entry: string;
  alg: HashAlg;
  prevHash: string;
  hash: string;
}

function storedRow(row: RawRow): StoredRow {
  const { entry, ...rest } = row;
  return { ...rest, n: Number(row.n), seq: Number(row.seq), at: row.at.toISOString(), text: entry };
}

function head(row: { n: string; seq: string; hash: string }): ChainHead {
  return { n: Number(row.n), seq: Number(row.seq), hash: row.hash };
}

/** A stored entry as a replay compares it. */
export interface ComparableRow {
  tenant: string;
  seq: number;
  n: number;
  entry: string;
  alg: string;
  prevHash: string;
  hash: string;
}

/** `stream`'s entries with source sequences `fromSeq..toSeq`, in sequence order, in pages. */
export async function* entriesBySeq(
  sql: Sql,
  stream: string,
  fromSeq: number,
  toSeq: number,
  pageSize = 5_000,
): AsyncGenerator<ComparableRow> {
  let after = fromSeq - 1;
  for (;;) {
    const page = await sql<(ComparableRow & { seq: string; n: string })[]>`
      select tenant, seq, n, entry, alg, prev_hash, hash from audit_entries
      where stream = ${stream} and seq > ${after} and seq <= ${toSeq}
      order by seq limit ${pageSize}`;
    for (const row of page) yield { ...row, seq: Number(row.seq), n: Number(row.n) };
    if (page.length < pageSize) return;
    after = Number(page.at(-1)!.seq);
  }
}
