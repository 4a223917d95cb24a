/**
 * Writes one folded batch in one transaction: the tickets' fold state, the slot counters and
 * histogram counts as increments, and the stream's new position. A batch at or below the stored
 * position was written already and is skipped, so a redelivery never counts twice.
 * @module
 */
import type { Sql, TransactionSql } from "postgres";
import { COUNTERS } from "../domain/slots.ts";
import type { ReportTicket } from "../domain/report_ticket.ts";
import type { Tally } from "../domain/tally.ts";

/** A message of a source stream, decoded: the ticket it is about and how to fold it. */
export interface FoldInput {
  seq: number;
  tenant: string;
  ticketId: string;
  fold: (state: ReportTicket, tally: Tally) => ReportTicket;
}

/** The stored position of `stream` (0: nothing folded). */
export async function storedPosition(sql: Sql, stream: string): Promise<number> {
  const [row] = await sql<{ seq: string }[]>`
    select seq from report_positions where stream = ${stream}`;
  return row ? Number(row.seq) : 0;
}

/** Folds `inputs` (sorted by seq) onto the stored states and writes everything; the new position. */
export async function writeBatch(
  sql: Sql,
  stream: string,
  inputs: FoldInput[],
  newTally: () => Tally,
  unknown: () => ReportTicket,
): Promise<number> {
  return await sql.begin(async (tx) => {
    const position = await lockedPosition(tx, stream);
    const fresh = inputs.filter((input) => input.seq > position);
    if (fresh.length === 0) return position;
    const states = await loadStates(tx, fresh);
    const tally = newTally();
    for (const input of fresh) {
      const id = `${input.tenant}|${input.ticketId}`;
      states.set(id, input.fold(states.get(id) ?? unknown(), tally));
    }
    await saveStates(tx, states);
    await saveTally(tx, tally);
    const last = fresh.at(-1)!.seq;
    await tx`insert into report_positions (stream, seq) values (${stream}, ${last})
      on conflict (stream) do update set seq = excluded.seq`;
    return last;
  });
}

async function lockedPosition(tx: TransactionSql, stream: string): Promise<number> {
  const [row] = await tx<{ seq: string }[]>`
    select seq from report_positions where stream = ${stream} for update`;
  return row ? Number(row.seq) : 0;
}

async function loadStates(
  tx: TransactionSql,
  inputs: FoldInput[],
): Promise<Map<string, ReportTicket>> {
  const tenants = inputs.map((input) => input.tenant);
  const ids = inputs.map((input) => input.ticketId);
  const rows = await tx<{ tenant: string; ticketId: string; state: ReportTicket }[]>`
    select t.tenant, t.ticket_id, t.state from report_tickets t
    join unnest(${tenants}::text[], ${ids}::text[]) as k(tenant, ticket_id)
      on t.tenant = k.tenant and t.ticket_id = k.ticket_id`;
  return new Map(rows.map((row) => [`${row.tenant}|${row.ticketId}`, row.state]));
}

async function saveStates(tx: TransactionSql, states: Map<string, ReportTicket>): Promise<void> {
  const rows = [...states].map(([id, state]) => {
    const [tenant, ticketId] = id.split("|");
    return { tenant, ticketId, state: tx.json(state as never) };
  });
  await tx`insert into report_tickets ${tx(rows)}
    on conflict (tenant, ticket_id) do update set state = excluded.state`;
}

async function saveTally(tx: TransactionSql, tally: Tally): Promise<void> {
  const slots = tally.slots.map(({ key, counts }) => ({
    tenant: key.tenant,
    slot: new Date(key.slot),
    agentId: key.agentId,
    groupId: key.groupId,
    ...Object.fromEntries(COUNTERS.map((counter) => [counter, counts[counter] ?? 0])),
  }));
  if (slots.length > 0) {
    await tx`insert into report_slots ${tx(slots)}
      on conflict (tenant, slot, agent_id, group_id) do update set
        created = report_slots.created + excluded.created,
        solved = report_slots.solved + excluded.solved,
        reopened = report_slots.reopened + excluded.reopened,
        backlog_delta = report_slots.backlog_delta + excluded.backlog_delta,
        first_response_count = report_slots.first_response_count + excluded.first_response_count,
        first_response_seconds = report_slots.first_response_seconds
          + excluded.first_response_seconds,
        resolution_count = report_slots.resolution_count + excluded.resolution_count,
        resolution_seconds = report_slots.resolution_seconds + excluded.resolution_seconds,
        sla_attained = report_slots.sla_attained + excluded.sla_attained,
        sla_breached = report_slots.sla_breached + excluded.sla_breached,
        csat_count = report_slots.csat_count + excluded.csat_count,
        csat_sum = report_slots.csat_sum + excluded.csat_sum,
        csat_good = report_slots.csat_good + excluded.csat_good,
        time_tracked_seconds = report_slots.time_tracked_seconds + excluded.time_tracked_seconds`;
  }
  const durations = tally.durations.map(({ key, metric, le, count }) => ({
    tenant: key.tenant,
    slot: new Date(key.slot),
    agentId: key.agentId,
    groupId: key.groupId,
    metric,
    le,
    count,
  }));
  if (durations.length > 0) {
    await tx`insert into report_durations ${tx(durations)}
      on conflict (tenant, slot, agent_id, group_id, metric, le) do update set
        count = report_durations.count + excluded.count`;
  }
}

/** Empties every report table and forgets the positions (the rebuild). */
export async function resetReports(sql: Sql): Promise<void> {
  await sql`truncate report_slots, report_durations, report_tickets, report_positions`;
}
