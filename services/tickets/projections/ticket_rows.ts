/**
 * The tickets read model as rows, and the pure fold of events into them. Text stays sealed;
 * search tokens arrive already hashed, computed by the projector's I/O shell.
 * @module
 */
import type { CommitMeta, Priority, TicketEvent } from "@ticketd/shared/events/tickets.ts";
import type { FieldValue } from "../domain/custom_fields.ts";
import { mergeFields } from "../domain/ticket.ts";

export const PRIORITY_RANK: Readonly<Record<Priority, number>> = {
  low: 0,
  normal: 1,
  high: 2,
  urgent: 3,
};

export interface TicketRow {
  tenant: string;
  id: string;
  number: number;
  status: string;
  /** The tenant's custom status within `status`, or null. */
  customStatusId: string | null;
  priority: Priority;
  priorityRank: number;
  requesterId: string;
  assigneeId: string | null;
  groupId: string | null;
  tags: string[];
  subjectSealed: string;
  customFields: Record<string, FieldValue>;
  followUpOf: string | null;
  externalId: string | null;
  messageCount: number;
  searchTokens: string[];
  noteTokens: string[];
  createdAt: Date;
  updatedAt: Date;
  version: string;
}

export interface MessageRow {
  tenant: string;
  ticketId: string;
  id: string;
  authorId: string;
  authorRole: string;
  internal: boolean;
  bodySealed: string;
  createdAt: Date;
  version: string;
}

/** One event in stream order, with the hashed tokens of the text it carries. */
export interface ProjectedEvent {
  version: number;
  meta: CommitMeta;
  event: TicketEvent;
  tokens: string[];
}

/** The row after `e`, and the message row it adds (if any). */
export function evolveRow(
  row: TicketRow | null,
  e: ProjectedEvent,
  maxTokens: number,
): { row: TicketRow | null; message: MessageRow | null } {
  const at = new Date(e.meta.at);
  const version = String(e.version);
  const { event, meta } = e;
  if (event.type === "TicketCreated") {
    const d = event.data;
    return {
      row: {
        tenant: meta.tenant,
        id: d.ticketId,
        number: d.number,
        status: d.status,
        customStatusId: null,
        priority: d.priority,
        priorityRank: PRIORITY_RANK[d.priority],
        requesterId: d.requesterId,
        assigneeId: d.assigneeId,
        groupId: d.groupId,
        tags: d.tags,
        subjectSealed: d.subject,
        customFields: d.customFields,
        followUpOf: d.followUpOf,
        externalId: d.externalId,
        messageCount: 0,
        searchTokens: union([], e.tokens, maxTokens),
        noteTokens: [],
        createdAt: at,
        updatedAt: at,
        version,
      },
      message: null,
    };
  }
  if (!row) return { row, message: null };
  const touched = { ...row, updatedAt: at, version };
  switch (event.type) {
    case "MessagePosted": {
      const d = event.data;
      const message: MessageRow = {
        tenant: row.tenant,
        ticketId: row.id,
        id: d.messageId,
        authorId: d.authorId,
        authorRole: d.authorRole,
        internal: d.internal,
        bodySealed: d.body,
        createdAt: at,
        version,
      };
      const tokens = d.internal
        ? { noteTokens: union(row.noteTokens, e.tokens, maxTokens) }
        : { searchTokens: union(row.searchTokens, e.tokens, maxTokens) };
      return { row: { ...touched, ...tokens, messageCount: row.messageCount + 1 }, message };
    }
    case "TicketStatusChanged":
      return {
        row: {
          ...touched,
          status: event.data.to,
          customStatusId: event.data.customStatusId ?? null,
        },
        message: null,
      };
    case "TicketAssigned":
      return { row: { ...touched, ...event.data }, message: null };
    case "TicketTagsChanged": {
      const removed = new Set(event.data.removed);
      const tags = [...new Set([...row.tags.filter((t) => !removed.has(t)), ...event.data.added])];
      return { row: { ...touched, tags }, message: null };
    }
    case "TicketPriorityChanged": {
      const priority = event.data.to;
      return {
        row: { ...touched, priority, priorityRank: PRIORITY_RANK[priority] },
        message: null,
      };
    }
    case "TicketFieldsChanged":
      return {
        row: { ...touched, customFields: mergeFields(row.customFields, event.data.fields) },
        message: null,
      };
    case "TicketContentErased":
      // Keyed hashes of erased words would still let a guess be confirmed: drop them.
      return { row: { ...touched, searchTokens: [], noteTokens: [] }, message: null };
    case "AttachmentAdded":
      // The attachment service lists a ticket's files; the row only moves on.
      return { row: touched, message: null };
    case "TicketPairReserved":
    case "TicketPairReleased":
    case "TicketMerged":
    case "TicketUnmerged":
    case "TicketLinked":
    case "TicketUnlinked":
    case "TicketSplit":
    case "TicketSplitUndone":
      // Kept in ticket_relations (relation_rows.ts); status and tags move by their own events.
      return { row: touched, message: null };
    case "SatisfactionRated":
      // The survey's answer is the reports' (services/reports); the row only moves on.
      return { row: touched, message: null };
    case "TimeLogged":
      // Entries go to ticket_time_entries (time_rows.ts); logging time does not bump a queue.
      return { row: { ...row, version }, message: null };
  }
}

function union(current: string[], added: string[], max: number): string[] {
  if (added.length === 0 || current.length >= max) return current;
  const merged = new Set(current);
  for (const token of added) {
    if (merged.size >= max) break;
    merged.add(token);
  }
  return [...merged];
}
