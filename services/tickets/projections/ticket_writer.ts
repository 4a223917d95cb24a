/**
 * Writes a batch of projected events in one transaction: rows changed in memory by the pure
 * fold, then one multi-row upsert of tickets, one multi-row insert of messages, and the stream
 * position, together. Events at or below the stored position are skipped, so a redelivered
 * batch never applies twice.
 * @module
 */
import type { Sql, TransactionSql } from "postgres";
import { writeRelations } from "./relation_writer.ts";
import { evolveRow, type MessageRow, type ProjectedEvent, type TicketRow } from "./ticket_rows.ts";
import { writeTimeEntries } from "./time_writer.ts";

const TICKET_COLUMNS = [
  "tenant",
  "id",
  "number",
  "status",
  "customStatusId",
  "priority",
  "priorityRank",
  "requesterId",
  "assigneeId",
  "groupId",
  "tags",
  "subjectSealed",
  "customFields",
  "followUpOf",
  "externalId",
  "messageCount",
  "searchTokens",
  "noteTokens",
  "createdAt",
  "updatedAt",
  "version",
] as const;

/** Applies `events` (stream order) for projector `name`; returns the new position. */
export async function writeBatch(
  sql: Sql,
  name: string,
  events: ProjectedEvent[],
  maxTokens: number,
): Promise<number> {
  return await sql.begin(async (tx) => {
    const position = await lockPosition(tx, name);
    const fresh = events.filter((e) => e.version > position);
    if (fresh.length === 0) return position;
    const rows = await loadRows(tx, fresh);
    const messages: MessageRow[] = [];
    const changed = new Set<string>();
    for (const e of fresh) {
      const key = rowKey(e.meta.tenant, e.meta.ticketId);
      const next = evolveRow(rows.get(key) ?? null, e, maxTokens);
      if (next.row) rows.set(key, next.row), changed.add(key);
      if (next.message) messages.push(next.message);
    }
    await upsertTickets(tx, [...changed].map((key) => rows.get(key)!));
    await writeRelations(tx, fresh);
    if (messages.length > 0) {
      await tx`insert into ticket_messages ${tx(messages)} on conflict do nothing`;
    }
    await writeTimeEntries(tx, fresh);
    const last = fresh.at(-1)!.version;
    await tx`update projector_positions set position = ${last}, updated_at = now()
             where name = ${name}`;
    return last;
  });
}

/** Records that the message at `position` cannot be projected and moves the position past it. */
export async function setAside(
  sql: Sql,
  name: string,
  position: number,
  failure: { code: string; reason: string },
): Promise<void> {
  await sql.begin(async (tx) => {
    const stored = await lockPosition(tx, name);
    if (position <= stored) return;
    await tx`insert into projection_failures (projector, position, code, reason, failed_at)
             values (${name}, ${position}, ${failure.code}, ${failure.reason.slice(0, 300)}, now())
             on conflict do nothing`;
    await tx`update projector_positions set position = ${position}, updated_at = now()
             where name = ${name}`;
  });
}

/** The projector's stored position, locked for this transaction (0 when new). */
async function lockPosition(tx: TransactionSql, name: string): Promise<number> {
  await tx`insert into projector_positions (name, position, updated_at)
           values (${name}, 0, now()) on conflict do nothing`;
  const [row] = await tx<{ position: string }[]>`
    select position from projector_positions where name = ${name} for update`;
  return Number(row.position);
}

async function loadRows(tx: TransactionSql, events: ProjectedEvent[]) {
  const keys = new Map(events.map((e) => [rowKey(e.meta.tenant, e.meta.ticketId), e.meta]));
  const tenants = [...keys.values()].map((m) => m.tenant);
  const ids = [...keys.values()].map((m) => m.ticketId);
  const found = await tx<TicketRow[]>`
    select t.* from tickets t
    join unnest(${tenants}::text[], ${ids}::bigint[]) as k(tenant, id)
      on t.tenant = k.tenant and t.id = k.id`;
  return new Map(found.map((row) => [rowKey(row.tenant, row.id), row]));
}

async function upsertTickets(tx: TransactionSql, rows: TicketRow[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((row) => ({ ...row, customFields: tx.json(row.customFields) }));
  await tx`
    insert into tickets ${tx(values, ...TICKET_COLUMNS)}
    on conflict (tenant, id) do update set
      status = excluded.status, custom_status_id = excluded.custom_status_id,
      priority = excluded.priority,
      priority_rank = excluded.priority_rank, assignee_id = excluded.assignee_id,
      group_id = excluded.group_id, tags = excluded.tags, custom_fields = excluded.custom_fields,
      message_count = excluded.message_count, search_tokens = excluded.search_tokens,
      note_tokens = excluded.note_tokens, updated_at = excluded.updated_at,
      version = excluded.version`;
}

function rowKey(tenant: string, id: string): string {
  return `${tenant}/${id}`;
}
