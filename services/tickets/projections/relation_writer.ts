/**
 * Applies relation changes inside the projector's batch transaction, in stream order. Merge and
 * link events are rare, so one statement each is cheap next to the batch's upserts.
 * @module
 */
import type { TransactionSql } from "postgres";
import { relationChanges } from "./relation_rows.ts";
import type { ProjectedEvent } from "./ticket_rows.ts";

/** Writes the relation changes of `events` (already filtered to those past the position). */
export async function writeRelations(tx: TransactionSql, events: ProjectedEvent[]) {
  for (const change of events.flatMap(relationChanges)) {
    if ("insert" in change) {
      await tx`insert into ticket_relations ${tx(change.insert)}
               on conflict (tenant, ticket_id, kind, other_id) do update set
                 op_id = excluded.op_id, requester_id = excluded.requester_id,
                 created_at = excluded.created_at`;
      continue;
    }
    const { tenant, ticketId, kind, opId } = change.delete;
    await tx`delete from ticket_relations where tenant = ${tenant} and ticket_id = ${ticketId}
             ${kind === null ? tx`` : tx`and kind = ${kind}`}
             ${opId === null ? tx`` : tx`and op_id = ${opId}`}`;
  }
}
