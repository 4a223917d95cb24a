/**
 * Time logged on one ticket: its entries (notes still sealed) and the totals per agent, summed
 * from `ticket_time_entries` by its primary key.
 * @module
 */
import type { Sql } from "postgres";
import type { TimeEntryRow } from "./time_rows.ts";

export interface TicketTime {
  entries: TimeEntryRow[];
  byAgent: { agentId: string; seconds: number }[];
  totalSeconds: number;
}

/** The ticket's entries, oldest first, and each agent's total. */
export async function ticketTime(sql: Sql, tenant: string, ticketId: string): Promise<TicketTime> {
  const entries = await sql<TimeEntryRow[]>`
    select * from ticket_time_entries
    where tenant = ${tenant} and ticket_id = ${ticketId}
    order by version, id`;
  const totals = new Map<string, number>();
  for (const e of entries) totals.set(e.agentId, (totals.get(e.agentId) ?? 0) + e.seconds);
  return {
    entries,
    byAgent: [...totals].map(([agentId, seconds]) => ({ agentId, seconds })),
    totalSeconds: [...totals.values()].reduce((all, s) => all + s, 0),
  };
}

/** What `agentId` logged in `tenant` between `from` (inclusive) and `to` (exclusive). */
export async function agentTime(
  sql: Sql,
  tenant: string,
  agentId: string,
  range: { from: Date; to: Date },
): Promise<{ seconds: number; tickets: number }> {
  const [row] = await sql<{ seconds: string | null; tickets: number }[]>`
    select sum(seconds) as seconds, count(distinct ticket_id)::int4 as tickets
    from ticket_time_entries
    where tenant = ${tenant} and agent_id = ${agentId}
      and created_at >= ${range.from} and created_at < ${range.to}`;
  return { seconds: Number(row.seconds ?? 0), tickets: row.tickets };
}
