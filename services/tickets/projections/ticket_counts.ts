/**
 * The counts of the agent workspace's queues, all in one statement, scoped as the list is.
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

/**
 * The number of open tickets in each of `query.queues`, by queue name. Staff scopes add up the
 * counters the database keeps per (tenant, group, assignee) (`migrations/011_queue_counters.sql`),
 * whatever the number of tickets; a customer's own tickets are counted row by row (their scope
 * is not a group or an assignee).
 */
export async function countQueues(sql: Sql, query: CountQuery): Promise<Record<string, number>> {
  const [row] = await sql<{ counts: number[] }[]>`${queueCountsStatement(sql, query)}`;
  return Object.fromEntries(query.queues.map((queue, i) => [queue, row.counts[i]]));
}

/** The one statement {@link countQueues} runs: `counts`, an array in the order of the queues. */
export function queueCountsStatement(sql: Sql, query: CountQuery): Fragment {
  const counts = query.scope.kind === "own"
    ? query.queues.map((queue) => countedRows(sql, query, queue))
    : query.queues.map((queue) => summedCounters(sql, query, queue));
  return sql`select array[${counts.reduce((all, next) => sql`${all}, ${next}`)}] as counts`;
}

/** One queue's count from the counters; '' stands for no group or no assignee there. */
function summedCounters(sql: Sql, query: CountQuery, queue: QueueName): Fragment {
  const { actor, scope } = query;
  const inQueue = queueCondition(sql, queue, actor, sql`assignee_id = ''`);
  const inScope = scope.kind === "groups"
    ? sql`and (group_id = '' or group_id = any(${[...scope.groups]}::text[])
        or assignee_id = ${scope.assigneeId})`
    : sql``;
  return sql`(select coalesce(sum(tickets), 0)::int4 from ticket_queue_counts
    where tenant = ${query.tenant} and ${inQueue} ${inScope})`;
}

function countedRows(sql: Sql, query: CountQuery, queue: QueueName): Fragment {
  // Literal, not a parameter: the planner must see it to prove the partial indexes' predicate
  // even in a generic plan. The values are constants, never input.
  const open = sql.unsafe(`status in (${OPEN_STATUSES.map((s) => `'${s}'`).join(", ")})`);
  const where = [
    sql`tenant = ${query.tenant}`,
    open,
    queueCondition(sql, queue, query.actor, sql`assignee_id is null`),
    ...scopeConditions(sql, query.scope, query.tenant),
  ].reduce((all, next) => sql`${all} and ${next}`);
  return sql`(select count(*)::int4 from tickets where ${where})`;
}

/** Which rows are in `queue`; `unassigned` says how a row without an assignee reads. */
function queueCondition(
  sql: Sql,
  queue: QueueName,
  actor: CountQuery["actor"],
  unassigned: Fragment,
): Fragment {
  if (queue === "mine") return sql`assignee_id = ${actor.id}`;
  if (queue === "unassigned") return unassigned;
  if (queue === "groups") return sql`group_id = any(${[...actor.groups]}::text[])`;
  return sql`group_id = ${queue.slice("group:".length)}`;
}
