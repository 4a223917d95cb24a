/**
 * The counts of the agent workspace's queues, all in one statement, each from a partial index
 * on open tickets (`migrations/004_queue_indexes.sql`) and scoped as the list is.
 * @module
 */
import type { Fragment, Sql } from "postgres";
import type { TicketStatus } from "@ticketd/shared/events/tickets.ts";
import type { TicketScope } from "../domain/permissions.ts";
import { scopeConditions } from "./ticket_queries.ts";

/** The states a queue holds: what still needs someone. */
export const OPEN_STATUSES: readonly TicketStatus[] = ["new", "open", "pending", "on_hold"];

/** `mine`, `unassigned`, `groups` (all of the caller's groups) or one `group:<id>`. */
export type QueueName = "mine" | "unassigned" | "groups" | `group:${string}`;

export interface CountQuery {
  tenant: string;
  scope: TicketScope;
  /** Whose queues: `mine` is theirs, `groups` are theirs. */
  actor: { id: string; groups: readonly string[] };
  queues: readonly QueueName[];
}

/** The number of open tickets in each of `query.queues`, by queue name. */
export async function countQueues(sql: Sql, query: CountQuery): Promise<Record<string, number>> {
  // Literal, not a parameter: the planner must see it to prove the partial indexes' predicate
  // even in a generic plan. The values are constants, never input.
  const open = sql.unsafe(`status in (${OPEN_STATUSES.map((s) => `'${s}'`).join(", ")})`);
  const counts = query.queues.map((queue) => {
    const where = [
      sql`tenant = ${query.tenant}`,
      open,
      queueCondition(sql, queue, query.actor),
      ...scopeConditions(sql, query.scope, query.tenant),
    ].reduce((all, next) => sql`${all} and ${next}`);
    return sql`(select count(*)::int4 from tickets where ${where})`;
  });
  const [row] = await sql<{ counts: number[] }[]>`
    select array[${counts.reduce((all, next) => sql`${all}, ${next}`)}] as counts`;
  return Object.fromEntries(query.queues.map((queue, i) => [queue, row.counts[i]]));
}

function queueCondition(sql: Sql, queue: QueueName, actor: CountQuery["actor"]): Fragment {
  if (queue === "mine") return sql`assignee_id = ${actor.id}`;
  if (queue === "unassigned") return sql`assignee_id is null`;
  if (queue === "groups") return sql`group_id = any(${[...actor.groups]}::text[])`;
  return sql`group_id = ${queue.slice("group:".length)}`;
}
