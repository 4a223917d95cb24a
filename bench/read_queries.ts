/**
 * The read queries the benchmark times, each as the HTTP request a client makes and as the SQL
 * that `services/tickets/projections/ticket_queries.ts` sends for it (for EXPLAIN ANALYZE and
 * match counts). Keep the two in step with `listTickets`.
 * @module
 */
import type { Fragment, Sql } from "postgres";
import { hashTokens, queryTokens } from "@ticketd/shared/search/tokens.ts";

// As in ticket_queries.ts: everything but the token arrays.
const LIST_COLUMNS = (
  "tenant id number status priority priority_rank requester_id assignee_id group_id " +
  "tags subject_sealed custom_fields follow_up_of external_id message_count created_at " +
  "updated_at version"
).split(" ");

export interface ReadQuery {
  name: string;
  /** Path and query string under the service URL. */
  path: string;
  /** The WHERE conditions after `tenant = …`, as an agent's request produces them. */
  where: (sql: Sql) => Fragment;
}

export interface Explained {
  name: string;
  matches: number;
  executionMs: number;
  keyLines: string[];
}

export interface QueryTargets {
  assignee: string;
  tag: string;
  chineseWord: string;
  englishWord: string;
  /** A word no ticket has (a typo): the worst case for a keyword search. */
  missingWord: string;
  searchKey: Uint8Array;
}

/** The timed queries; `cursor` (from the first page of the filtered list) enables the last. */
export function readQueries(t: QueryTargets, cursor?: { token: string; at: Date; id: string }) {
  const text = (sql: Sql, word: string) => {
    const hashes = hashTokens([...queryTokens(word)], t.searchKey);
    return sql`(search_tokens @> ${hashes}::int8[] or note_tokens @> ${hashes}::int8[])`;
  };
  const openHigh = (sql: Sql) =>
    sql`status = any(${["open"]}::text[])
    and priority_rank = any(${[2]}::int2[])`;
  const queries: ReadQuery[] = [
    {
      name: "filtered list (status=open, priority=high)",
      path: "/v1/tickets?status=open&priority=high&sort=-created_at&limit=50",
      where: openHigh,
    },
    {
      name: `assignee=${t.assignee}`,
      path: `/v1/tickets?assignee=${t.assignee}&limit=50`,
      where: (sql) => sql`assignee_id = ${t.assignee}`,
    },
    {
      name: `tag=${t.tag}`,
      path: `/v1/tickets?tag=${t.tag}`,
      where: (sql) => sql`tags @> ${[t.tag]}::text[]`,
    },
    {
      name: `keyword q=${t.chineseWord}`,
      path: `/v1/tickets?q=${encodeURIComponent(t.chineseWord)}`,
      where: (sql) => text(sql, t.chineseWord),
    },
    {
      name: `keyword q=${t.englishWord}`,
      path: `/v1/tickets?q=${t.englishWord}`,
      where: (sql) => text(sql, t.englishWord),
    },
    {
      name: `keyword q=${t.missingWord} (typo, no match)`,
      path: `/v1/tickets?q=${t.missingWord}`,
      where: (sql) => text(sql, t.missingWord),
    },
  ];
  if (cursor) {
    queries.push({
      name: "filtered list, page 2 (cursor)",
      path: `${queries[0].path}&cursor=${cursor.token}`,
      where: (sql) =>
        sql`${openHigh(sql)} and (created_at, id) < (${cursor.at}::timestamptz,
        ${cursor.id}::int8)`,
    });
  }
  return queries;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the page query, and how many rows match in all. */
export async function explain(sql: Sql, tenant: string, query: ReadQuery): Promise<Explained> {
  const where = sql`tenant = ${tenant} and ${query.where(sql)}`;
  const [{ count }] = await sql<{ count: string }[]>`select count(*) from tickets where ${where}`;
  const plan = await sql<Record<string, string>[]>`explain (analyze, buffers)
    select ${sql(LIST_COLUMNS)} from tickets where ${where}
    order by created_at desc, id desc limit 51`;
  const lines = plan.map((row) => Object.values(row)[0]);
  const executionMs = Number(/Execution Time: ([\d.]+)/.exec(lines.join("\n"))?.[1] ?? NaN);
  const keyLines = lines.filter((l) => /->|Limit|Sort Method|Execution Time|Rows Removed/.test(l))
    .map((l) => l.replace(/\s+\(cost=[^)]*\)/, "").trimEnd()).slice(0, 12);
  return { name: query.name, matches: Number(count), executionMs, keyLines };
}
