/**
 * Signed checkpoints, append-only like the entries (the same trigger refuses changes).
 * @module
 */
import type { Sql } from "postgres";

export interface StoredCheckpoint {
  id: string;
  tenant: string;
  at: string;
  statement: string;
  alg: string;
  kid: string;
  signature: string;
}

export class CheckpointStore {
  constructor(readonly sql: Sql) {}

  async append(checkpoint: Omit<StoredCheckpoint, "id">): Promise<void> {
    await this.sql`insert into audit_checkpoints ${this.sql(checkpoint)}`;
  }

  /** `tenant`'s checkpoints after id `after` (a cursor), oldest first. */
  async list(tenant: string, after: string, limit: number): Promise<StoredCheckpoint[]> {
    const rows = await this.sql<(StoredCheckpoint & { at: Date })[]>`
      select id, tenant, at, statement, alg, kid, signature from audit_checkpoints
      where tenant = ${tenant} and id > ${after} order by id limit ${limit}`;
    return rows.map((row) => ({ ...row, id: String(row.id), at: row.at.toISOString() }));
  }

  /** Every checkpoint of every tenant, oldest first (for verification), in pages. */
  async *all(pageSize = 1_000): AsyncGenerator<StoredCheckpoint> {
    let after = "0";
    for (;;) {
      const rows = await this.sql<(StoredCheckpoint & { at: Date })[]>`
        select id, tenant, at, statement, alg, kid, signature from audit_checkpoints
        where id > ${after} order by id limit ${pageSize}`;
      for (const row of rows) yield { ...row, id: String(row.id), at: row.at.toISOString() };
      if (rows.length < pageSize) return;
      after = String(rows.at(-1)!.id);
    }
  }
}
