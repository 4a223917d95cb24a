/**
 * Where the hot log of a tenant begins after retention: for each chain whose oldest segments
 * were archived and pruned, the time of its first entry still hot (or, when none is left, when
 * the segment was pruned). The latest of these is `archivedBefore`: entries older than it may
 * be only in the archive, so an auditor asking about that time knows to restore.
 * @module
 */
import type { Sql } from "postgres";

/** The `archivedBefore` time of `tenant` as an ISO string, or null when nothing was pruned. */
export async function archivedBefore(sql: Sql, tenant: string): Promise<string | null> {
  // The archive tables exist only once an archiver has run its migration.
  const [table] = await sql<{ exists: boolean }[]>`
    select to_regclass('audit_archive_segments') is not null as exists`;
  if (!table.exists) return null;
  const [row] = await sql<{ before: Date | null }[]>`
    select max(coalesce((
      select e.at from audit_entries e
      where e.tenant = s.tenant and e.stream = s.stream and e.n > s.through_n
      order by e.n limit 1
    ), s.pruned_at)) as before
    from (
      select tenant, stream, max(to_n) as through_n, max(pruned_at) as pruned_at
      from audit_archive_segments
      where tenant = ${tenant} and pruned_at is not null
      group by tenant, stream
    ) s`;
  return row.before ? row.before.toISOString() : null;
}

/** `before` when the asked range (from `from`) reaches back before it, else null. */
export function archivedInRange(before: string | null, from: Date | undefined): string | null {
  return before !== null && (from === undefined || from.toISOString() < before) ? before : null;
}
