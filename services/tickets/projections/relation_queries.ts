/**
 * Reads of `ticket_relations`: one ticket's merges and links, and the stale reservations the
 * sweeper settles.
 * @module
 */
import type { Sql } from "postgres";
import type { RelationRow } from "./relation_rows.ts";

/** Every relation of one ticket. */
export async function ticketRelations(
  sql: Sql,
  tenant: string,
  ticketId: string,
): Promise<RelationRow[]> {
  return await sql<RelationRow[]>`
    select * from ticket_relations where tenant = ${tenant} and ticket_id = ${ticketId}
    order by created_at, other_id`;
}

/** The relations of several tickets (a list page), by ticket id, in one query. */
export async function relationsOf(
  sql: Sql,
  tenant: string,
  ticketIds: readonly string[],
): Promise<Map<string, RelationRow[]>> {
  const byTicket = new Map<string, RelationRow[]>();
  if (ticketIds.length === 0) return byTicket;
  const rows = await sql<RelationRow[]>`
    select * from ticket_relations
    where tenant = ${tenant} and ticket_id = any(${ticketIds}::int8[]) and kind <> 'moved'
    order by created_at, other_id`;
  for (const row of rows) byTicket.set(row.ticketId, [...byTicket.get(row.ticketId) ?? [], row]);
  return byTicket;
}

/** Tickets held by an operation since before `before`, oldest first, at most `limit`. */
export async function staleReservations(
  sql: Sql,
  before: Date,
  limit: number,
): Promise<{ tenant: string; ticketId: string }[]> {
  return await sql<{ tenant: string; ticketId: string }[]>`
    select tenant, ticket_id from ticket_relations
    where kind = 'reserved' and created_at < ${before}
    order by created_at limit ${limit}`;
}

/** What a ticket's answer shows of its relations. */
export function relationsView(relations: readonly RelationRow[]) {
  const of = (kind: string) => relations.filter((r) => r.kind === kind);
  return {
    mergedInto: of("merged_into")[0]?.otherId ?? null,
    merged: of("absorbed").map((r) => ({ ticketId: r.otherId, mergeId: r.opId })),
    links: relations.filter((r) => !NOT_LINKS.has(r.kind)).map((r) => ({
      ticketId: r.otherId,
      kind: r.kind,
      linkId: r.opId,
    })),
    /** A merge or link in progress holds the ticket. */
    pendingOperation: of("reserved")[0]?.opId ?? null,
  };
}

/** What a list item shows of its relations: where it was merged, and its links. */
export function listRelationsView(relations: readonly RelationRow[]) {
  const { mergedInto, links } = relationsView(relations);
  return { mergedInto, links };
}

/** Requesters of merged tickets: answered on this one, so they may read it. */
export function coRequesterIds(relations: readonly RelationRow[]): string[] {
  return relations.flatMap((r) => r.kind === "absorbed" && r.requesterId ? [r.requesterId] : []);
}

/** The ids shown on the ticket besides its own: those merged into it. */
export function mergedIds(relations: readonly RelationRow[]): string[] {
  return relations.filter((r) => r.kind === "absorbed").map((r) => r.otherId);
}

const NOT_LINKS = new Set(["reserved", "merged_into", "absorbed", "moved"]);
