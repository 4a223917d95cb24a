/**
 * Queries on the tickets read model: filtered, sorted, keyset-paginated lists, keyword search
 * on keyed token hashes, one ticket and its messages. Results are still sealed.
 * @module
 */
import type { Fragment, Sql } from "postgres";
import type { Priority, TicketStatus } from "@ticketd/shared/events/tickets.ts";
import { queryTokens, type TenantTokenHasher } from "@ticketd/shared/search/tokens.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { TicketScope } from "../domain/permissions.ts";
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
  /** The tickets the caller can see (`ticketScope` in `domain/permissions.ts`). */
  scope: TicketScope;
  status?: TicketStatus[];
  /** Tickets holding any of these custom statuses. */
  customStatusIds?: string[];
  priority?: Priority[];
  /** An agent's id, or null for tickets nobody is assigned. */
  assigneeId?: string | null;
  /** Tickets in any of these groups. */
  groupIds?: string[];
  requesterId?: string;
  /** The short number people quote ("#1042"). */
  number?: number;
  /** Only these tickets (still within the scope and the other filters). */
  ids?: string[];
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
  "custom_status_id",
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
export async function listTickets(sql: Sql, query: TicketQuery, hashTokens: TenantTokenHasher) {
  const sort = SORTS[query.sort];
  const where = [sql`tenant = ${query.tenant}`, ...filters(sql, query)];
  if (query.text !== undefined) {
    where.push((await keywordCondition(sql, query, hashTokens)).condition);
  }
  if (query.cursor) {
    const after = decodeCursor(
      query.cursor,
      query.sort,
      sort.cast === "timestamptz" ? "time" : "integer",
    );
    const value = sort.cast === "timestamptz"
      ? sql`${after.value}::timestamptz`
      : sql`${after.value}::int8`;
    where.push(
      query.descending
        ? sql`(${sql(sort.column)}, id) < (${value}, ${after.id}::int8)`
        : sql`(${sql(sort.column)}, id) > (${value}, ${after.id}::int8)`,
    );
  }
  const direction = query.descending ? sql`desc` : sql`asc`;
  const rows = await sql<TicketRow[]>`
    select ${sql(LIST_COLUMNS)} from tickets
    where ${where.reduce((all, next) => sql`${all} and ${next}`)}
    order by ${sql(sort.column)} ${direction}, id ${direction}
    limit ${query.limit + 1}`;
  const tickets = rows.slice(0, query.limit);
  const last = tickets.at(-1);
  const nextCursor = rows.length > query.limit && last
    ? encodeCursor(query.sort, last[sort.key], last.id)
    : null;
  return { tickets, nextCursor } satisfies TicketPage;
}

function filters(sql: Sql, q: TicketQuery): Fragment[] {
  const where: Fragment[] = [...scopeConditions(sql, q.scope, q.tenant)];
  if (q.status?.length) where.push(sql`status = any(${q.status}::text[])`);
  // One id as an equality: then the custom-status index also gives the page its order.
  if (q.customStatusIds?.length === 1) where.push(sql`custom_status_id = ${q.customStatusIds[0]}`);
  else if (q.customStatusIds?.length) {
    where.push(sql`custom_status_id = any(${q.customStatusIds}::int8[])`);
  }
  if (q.priority?.length) {
    where.push(sql`priority_rank = any(${q.priority.map((p) => PRIORITY_RANK[p])}::int2[])`);
  }
  if (q.assigneeId === null) where.push(sql`assignee_id is null`);
  else if (q.assigneeId !== undefined) where.push(sql`assignee_id = ${q.assigneeId}`);
  if (q.groupIds?.length) where.push(sql`group_id = any(${q.groupIds}::text[])`);
  if (q.requesterId !== undefined) where.push(sql`requester_id = ${q.requesterId}`);
  if (q.number !== undefined) where.push(sql`number = ${q.number}`);
  if (q.ids) where.push(sql`id = any(${q.ids}::int8[])`);
  if (q.tags?.length) where.push(sql`tags @> ${q.tags}::text[]`);
  if (q.createdFrom) where.push(sql`created_at >= ${q.createdFrom}`);
  if (q.createdTo) where.push(sql`created_at < ${q.createdTo}`);
  return where;
}

/**
 * The conditions that keep a query to the tickets `scope` may see. A customer sees the tickets
 * they requested and those their merged tickets went into (co-requesters: the `absorbed` rows of
 * `ticket_relations`), read first as an array so both sides of the `or` use an index.
 */
export function scopeConditions(sql: Sql, scope: TicketScope, tenant: string): Fragment[] {
  if (scope.kind === "own") {
    return [sql`(requester_id = ${scope.requesterId} or id = any(array(
      select ticket_id from ticket_relations where tenant = ${tenant} and kind = 'absorbed'
        and requester_id = ${scope.requesterId})))`];
  }
  if (scope.kind === "groups") {
    return [sql`(group_id is null or group_id = any(${[...scope.groups]}::text[])
      or assignee_id = ${scope.assigneeId})`];
  }
  return [];
}

/** Above this many matches a keyword is common: walking the sort index finds a page fastest. */
const RARE_MATCHES = 2_000;
/** How long a keyword found common is trusted to stay so, and how many are remembered. */
const COMMON_FOR_MS = 10 * 60_000;
const COMMON_KEYWORDS = 10_000;
/**
 * Keywords (as hashed for their tenant) recently found common: the probe below costs as much as
 * the page itself and its answer changes slowly, so it is skipped for them for a while. A word
 * that turns rare again is walked as common until then: slower, never wrong.
 */
const commonUntil = new Map<string, number>();

/**
 * The keyword condition. Left to itself the planner walks the sort index testing every row, which
 * for a rare word (or a typo) means the whole tenant; so the matches are first looked up in the
 * GIN index alone (the `offset 0` keeps the outer limit from steering that plan), and when they
 * are few, the page is chosen among just those ids.
 */
async function keywordCondition(
  sql: Sql,
  q: TicketQuery,
  hashTokens: TenantTokenHasher,
): Promise<{ condition: Fragment }> {
  // Wrapped: a fragment is a thenable, and an async function would run it on return.
  const tokens = [...queryTokens(q.text!)];
  if (tokens.length === 0) fail("invalid_query", "The search text has no words to look for", 400);
  const hashes = hashTokens(q.tenant, tokens);
  const match = q.searchNotes
    ? sql`(search_tokens @> ${hashes}::int8[] or note_tokens @> ${hashes}::int8[])`
    : sql`search_tokens @> ${hashes}::int8[]`;
  const key = `${q.tenant}|${q.searchNotes ? "notes" : "public"}|${hashes.join(",")}`;
  if ((commonUntil.get(key) ?? 0) > Date.now()) return { condition: match };
  const hits = await sql<{ id: string }[]>`
    select id from (select id from tickets where tenant = ${q.tenant} and ${match} offset 0) found
    limit ${RARE_MATCHES + 1}`;
  if (hits.length > RARE_MATCHES) {
    if (commonUntil.size >= COMMON_KEYWORDS) commonUntil.delete(commonUntil.keys().next().value!);
    commonUntil.set(key, Date.now() + COMMON_FOR_MS);
    return { condition: match };
  }
  return { condition: sql`id = any(${hits.map((h) => h.id)}::int8[])` };
}

/** One ticket row, or null when it does not exist in this tenant. */
export async function getTicket(sql: Sql, tenant: string, id: string): Promise<TicketRow | null> {
  const [row] = await sql<TicketRow[]>`
    select ${sql(LIST_COLUMNS)} from tickets where tenant = ${tenant} and id = ${id}`;
  return row ?? null;
}

/**
 * A ticket's messages in order, with those of the tickets merged into it (`merged`), less those
 * split off into other tickets; internal notes only when `withInternal`.
 */
export async function listMessages(
  sql: Sql,
  tenant: string,
  ticketId: string,
  withInternal: boolean,
  merged: readonly string[] = [],
): Promise<MessageRow[]> {
  return await sql<MessageRow[]>`
    select * from ticket_messages
    where tenant = ${tenant} and ticket_id = any(${[ticketId, ...merged]}::int8[])
      and id not in (
        select other_id from ticket_relations
        where tenant = ${tenant} and ticket_id = any(${[ticketId, ...merged]}::int8[])
          and kind = 'moved')
      ${withInternal ? sql`` : sql`and not internal`}
    order by version, id`;
}
