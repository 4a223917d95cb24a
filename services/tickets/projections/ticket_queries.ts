/**
 * Queries on the tickets read model: filtered, sorted, keyset-paginated lists, keyword search
 * on keyed token hashes, one ticket and its messages. Results are still sealed.
 * @module
 */
import type { Fragment, Sql } from "postgres";
import type { Priority, TicketStatus } from "@ticketd/shared/events/tickets.ts";
import { hashTokens, queryTokens } from "@ticketd/shared/search/tokens.ts";
import { fail } from "@ticketd/shared/errors.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { type MessageRow, PRIORITY_RANK, type TicketRow } from "./ticket_rows.ts";

export const SORTS = {
  "created_at": { column: "created_at", key: "createdAt", cast: "timestamptz" },
  "updated_at": { column: "updated_at", key: "updatedAt", cast: "timestamptz" },
  "number": { column: "number", key: "number", cast: "int8" },
  "priority": { column: "priority_rank", key: "priorityRank", cast: "int8" },
} as const;
export type SortField = keyof typeof SORTS;

export interface TicketQuery {
  tenant: string;
  status?: TicketStatus[];
  priority?: Priority[];
  assigneeId?: string;
  groupId?: string;
  requesterId?: string;
  /** The short number people quote ("#1042"). */
  number?: number;
  tags?: string[];
  createdFrom?: Date;
  createdTo?: Date;
  text?: string;
  /** Also match words in internal notes (agents only). */
  searchNotes: boolean;
  sort: SortField;
  descending: boolean;
  limit: number;
  cursor?: string;
}

export interface TicketPage {
  tickets: TicketRow[];
  nextCursor: string | null;
}

const LIST_COLUMNS = [
  "tenant",
  "id",
  "number",
  "status",
  "priority",
  "priority_rank",
  "requester_id",
  "assignee_id",
  "group_id",
  "tags",
  "subject_sealed",
  "custom_fields",
  "follow_up_of",
  "external_id",
  "message_count",
  "created_at",
  "updated_at",
  "version",
];

/** One page of tickets matching `query`. */
export async function listTickets(sql: Sql, query: TicketQuery, searchKey: Uint8Array) {
  const sort = SORTS[query.sort];
  const where = [sql`tenant = ${query.tenant}`, ...filters(sql, query)];
  if (query.cursor) where.push(after(sql, query));
  const direction = query.descending ? sql`desc` : sql`asc`;
  const order = sql`order by ${sql(sort.column)} ${direction}, id ${direction}`;
  const all = (conditions: Fragment[]) => conditions.reduce((a, b) => sql`${a} and ${b}`);
  let rows: TicketRow[] | null = null;
  if (query.text !== undefined) {
    const match = keywordMatch(sql, query, searchKey);
    rows = await fewMatches(sql, all([...where, match]), order, query.limit + 1);
    where.push(match);
  }
  rows ??= await sql<TicketRow[]>`
    select ${sql(LIST_COLUMNS)} from tickets where ${all(where)} ${order} limit ${query.limit + 1}`;
  const tickets = rows.slice(0, query.limit);
  const last = tickets.at(-1);
  const nextCursor = rows.length > query.limit && last
    ? encodeCursor(query.sort, last[sort.key], last.id)
    : null;
  return { tickets, nextCursor } satisfies TicketPage;
}

/** Up to this many matches, sorting the matches beats walking the sort index testing rows. */
const FEW_MATCHES = 5_000;

/**
 * A keyword page, when the keyword is rare enough. Left to itself the planner walks the sort
 * index testing every row's tokens, which for a rare word (or a typo) means the whole tenant.
 * Here the matches come from the GIN index alone (`offset 0` keeps the page's order and limit
 * from steering that plan) and only they are sorted. Null when there are too many: then walking
 * the sort index finds a page soonest.
 */
async function fewMatches(sql: Sql, where: Fragment, order: Fragment, limit: number) {
  const rows = await sql<(TicketRow & { matches: number })[]>`
    select m.*, count(*) over () as matches from (
      select ${sql(LIST_COLUMNS)} from tickets where ${where} limit ${FEW_MATCHES + 1} offset 0
    ) m ${order} limit ${limit}`;
  if (rows.length > 0 && Number(rows[0].matches) > FEW_MATCHES) return null;
  return rows.map(({ matches: _, ...row }) => row as TicketRow);
}

function after(sql: Sql, query: TicketQuery): Fragment {
  const sort = SORTS[query.sort];
  const cursor = decodeCursor(
    query.cursor!,
    query.sort,
    sort.cast === "timestamptz" ? "time" : "integer",
  );
  const value = sort.cast === "timestamptz"
    ? sql`${cursor.value}::timestamptz`
    : sql`${cursor.value}::int8`;
  return query.descending
    ? sql`(${sql(sort.column)}, id) < (${value}, ${cursor.id}::int8)`
    : sql`(${sql(sort.column)}, id) > (${value}, ${cursor.id}::int8)`;
}

function filters(sql: Sql, q: TicketQuery): Fragment[] {
  const where: Fragment[] = [];
  if (q.status?.length) where.push(sql`status = any(${q.status}::text[])`);
  if (q.priority?.length) {
    where.push(sql`priority_rank = any(${q.priority.map((p) => PRIORITY_RANK[p])}::int2[])`);
  }
  if (q.assigneeId !== undefined) where.push(sql`assignee_id = ${q.assigneeId}`);
  if (q.groupId !== undefined) where.push(sql`group_id = ${q.groupId}`);
  if (q.requesterId !== undefined) where.push(sql`requester_id = ${q.requesterId}`);
  if (q.number !== undefined) where.push(sql`number = ${q.number}`);
  if (q.tags?.length) where.push(sql`tags @> ${q.tags}::text[]`);
  if (q.createdFrom) where.push(sql`created_at >= ${q.createdFrom}`);
  if (q.createdTo) where.push(sql`created_at < ${q.createdTo}`);
  return where;
}

/** The keyword condition: the ticket holds every token of the query (public text, or also notes). */
function keywordMatch(sql: Sql, q: TicketQuery, searchKey: Uint8Array): Fragment {
  const tokens = [...queryTokens(q.text!)];
  if (tokens.length === 0) fail("invalid_query", "The search text has no words to look for", 400);
  const hashes = hashTokens(tokens, searchKey);
  return q.searchNotes
    ? sql`(search_tokens @> ${hashes}::int8[] or note_tokens @> ${hashes}::int8[])`
    : sql`search_tokens @> ${hashes}::int8[]`;
}
/** One ticket row, or null when it does not exist in this tenant. */
export async function getTicket(sql: Sql, tenant: string, id: string): Promise<TicketRow | null> {
  const [row] = await sql<TicketRow[]>`
    select ${sql(LIST_COLUMNS)} from tickets where tenant = ${tenant} and id = ${id}`;
  return row ?? null;
}

/** A ticket's messages in order; internal notes only when `withInternal`. */
export async function listMessages(
  sql: Sql,
  tenant: string,
  ticketId: string,
  withInternal: boolean,
): Promise<MessageRow[]> {
  return await sql<MessageRow[]>`
    select * from ticket_messages
    where tenant = ${tenant} and ticket_id = ${ticketId}
      ${withInternal ? sql`` : sql`and not internal`}
    order by version, id`;
}
