/**
 * The auditor's queries over one tenant's entries: by actor, ticket, action and time range, in
 * time order with keyset pagination on (at, stream, seq), so pages stay fast however deep.
 * @module
 */
import type { Sql } from "postgres";

export interface EntryFilter {
  tenant: string;
  actorId?: string;
  ticketId?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

/** Where a page ends: the last row's sort key. */
export interface EntryPosition {
  at: string;
  stream: string;
  seq: number;
}

export interface EntryRow {
  stream: string;
  seq: number;
  n: number;
  at: string;
  entry: string;
  hash: string;
}

/** Up to `limit` entries matching `filter` after `after`, oldest first. */
export async function queryEntries(
  sql: Sql,
  filter: EntryFilter,
  after: EntryPosition | null,
  limit: number,
): Promise<EntryRow[]> {
  const rows = await sql<
    { stream: string; seq: string; n: string; at: Date; entry: string; hash: string }[]
  >`
    select stream, seq, n, at, entry, hash from audit_entries
    where tenant = ${filter.tenant}
      ${filter.actorId !== undefined ? sql`and actor_id = ${filter.actorId}` : sql``}
      ${
    filter.ticketId !== undefined
      ? sql`and target_type = 'ticket' and target_id = ${filter.ticketId}`
      : sql``
  }
      ${filter.action !== undefined ? sql`and action = ${filter.action}` : sql``}
      ${filter.from ? sql`and at >= ${filter.from}` : sql``}
      ${filter.to ? sql`and at < ${filter.to}` : sql``}
      ${
    after
      ? sql`and (at, stream, seq) > (${new Date(after.at)}, ${after.stream}, ${after.seq})`
      : sql``
  }
    order by at, stream, seq
    limit ${limit}`;
  return rows.map((row) => ({
    ...row,
    seq: Number(row.seq),
    n: Number(row.n),
    at: row.at.toISOString(),
  }));
}
