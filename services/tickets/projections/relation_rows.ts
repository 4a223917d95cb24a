/**
 * The pure fold of merge and link events into `ticket_relations` changes: inserts and deletes
 * the writer applies in stream order (migration 006 names the kinds).
 * @module
 */
import type { ProjectedEvent } from "./ticket_rows.ts";

export interface RelationRow {
  tenant: string;
  ticketId: string;
  kind: string;
  otherId: string;
  opId: string;
  requesterId: string | null;
  createdAt: Date;
}

/** Deletes the ticket's rows of `kind` (every kind when null) made by `opId` (any when null). */
export interface RelationDelete {
  tenant: string;
  ticketId: string;
  kind: string | null;
  opId: string | null;
}

export type RelationChange = { insert: RelationRow } | { delete: RelationDelete };

/** What `e` changes in the relations of its ticket (nothing for most events). */
export function relationChanges(e: ProjectedEvent): RelationChange[] {
  const { tenant, ticketId } = e.meta;
  const at = new Date(e.meta.at);
  const row = (kind: string, otherId: string, opId: string, requesterId: string | null = null) => ({
    insert: { tenant, ticketId, kind, otherId, opId, requesterId, createdAt: at },
  });
  const remove = (kind: string | null, opId: string | null) => ({
    delete: { tenant, ticketId, kind, opId },
  });
  // A ticket holds one reservation at most, and every operation event settles it.
  const settled = remove("reserved", null);
  const { event } = e;
  switch (event.type) {
    case "TicketPairReserved": {
      const d = event.data;
      const other = d.sourceId === ticketId ? d.targetId : d.sourceId;
      return [{
        insert: { ...row("reserved", other, d.opId).insert, createdAt: new Date(d.reservedAt) },
      }];
    }
    case "TicketPairReleased":
      return [remove("reserved", event.data.opId)];
    case "TicketMerged": {
      const d = event.data;
      if (d.sourceId === ticketId) return [settled, row("merged_into", d.targetId, d.mergeId)];
      return [
        settled,
        ...d.tickets.map((t) => row("absorbed", t.ticketId, d.mergeId, t.requesterId)),
      ];
    }
    case "TicketUnmerged": {
      const d = event.data;
      return [settled, remove(d.sourceId === ticketId ? "merged_into" : "absorbed", d.mergeId)];
    }
    case "TicketLinked":
      return [settled, row(event.data.kind, event.data.otherId, event.data.linkId)];
    case "TicketUnlinked":
      return [settled, remove(event.data.kind, event.data.linkId)];
    case "TicketSplit": {
      const d = event.data;
      if (d.originalId === ticketId) return []; // still held: its release ends the split
      // The new ticket holds its copies now: the original hides the moved messages.
      return d.messageIds.map((messageId) => ({
        insert: { ...row("moved", messageId, d.splitId).insert, ticketId: d.originalId },
      }));
    }
    case "TicketSplitUndone": {
      const d = event.data;
      return d.originalId === ticketId ? [settled, remove("moved", d.splitId)] : [settled];
    }
    default:
      return [];
  }
}
