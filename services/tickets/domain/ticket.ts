/**
 * The ticket as the decider sees it: only what rules need (no subjects or bodies), and `evolve`,
 * which folds events into it. `evolve` is total: it never throws.
 * @module
 */
import type { Priority, TicketEvent, TicketStatus } from "@ticketd/shared/events/tickets.ts";
import type { FieldValue } from "./custom_fields.ts";
import { addTime } from "./time_tracking.ts";
import { countReply, evolvePair, type PairState } from "./pairs.ts";

export interface NoTicket {
  status: "none";
}

export interface ExistingTicket extends RatedTicket {
  status: TicketStatus;
  id: string;
  number: number;
  requesterId: string;
  priority: Priority;
  tags: string[];
  assigneeId: string | null;
  groupId: string | null;
  customFields: Record<string, FieldValue>;
  /** Merges, links and a pending two-ticket operation (absent: none). */
  pairs?: PairState;
  /** Requesters of tickets merged into this one: answered here, so they may see it. */
  coRequesterIds?: string[];
  /** The tenant's custom status within `status`; absent or null: none. */
  customStatusId?: string | null;
  /** Seconds logged on the ticket by each agent (absent: none). */
  timeByAgent?: Readonly<Record<string, number>>;
}

export type Ticket = NoTicket | ExistingTicket;

/** What the satisfaction survey needs to know (docs/csat.md). */
export interface RatedTicket {
  /** True once the requester answered the survey (one answer per ticket). */
  satisfactionRated?: true;
  /** True once the ticket was solved (or created solved or closed, as an import may): a ticket
   * closed otherwise (an undone split) has nothing to rate. */
  wasSolved?: true;
}

export const noTicket: NoTicket = { status: "none" };

/** The state after `event`. */
export function evolve(state: Ticket, event: TicketEvent): Ticket {
  if (event.type === "TicketCreated") {
    const { ticketId, number, requesterId, status, priority, tags, assigneeId, groupId } =
      event.data;
    return {
      ...(status === "solved" || status === "closed" ? { wasSolved: true } : {}),
      id: ticketId,
      number,
      requesterId,
      status,
      priority,
      tags,
      assigneeId,
      groupId,
      customFields: event.data.customFields,
    };
  }
  if (state.status === "none") return state;
  switch (event.type) {
    case "TicketStatusChanged":
      return {
        ...state,
        status: event.data.to,
        customStatusId: event.data.customStatusId ?? null,
        ...(event.data.to === "solved" ? { wasSolved: true as const } : {}),
      };
    case "TicketAssigned":
      return { ...state, assigneeId: event.data.assigneeId, groupId: event.data.groupId };
    case "TicketTagsChanged": {
      const removed = new Set(event.data.removed);
      const kept = state.tags.filter((t) => !removed.has(t));
      return { ...state, tags: [...new Set([...kept, ...event.data.added])] };
    }
    case "TicketPriorityChanged":
      return { ...state, priority: event.data.to };
    case "TicketFieldsChanged":
      return { ...state, customFields: mergeFields(state.customFields, event.data.fields) };
    case "TimeLogged":
      return { ...state, timeByAgent: addTime(state.timeByAgent, event) };
    case "SatisfactionRated":
      return { ...state, satisfactionRated: true };
    case "MessagePosted":
      return countReply(state, event.data);
    case "AttachmentAdded":
    case "TicketContentErased":
      return state;
    case "TicketPairReserved":
    case "TicketPairReleased":
    case "TicketMerged":
    case "TicketUnmerged":
    case "TicketLinked":
    case "TicketUnlinked":
    case "TicketSplit":
    case "TicketSplitUndone":
      return evolvePair(state, event);
  }
}

/** Applies a field patch: `null` removes a field. */
export function mergeFields(
  current: Record<string, FieldValue>,
  patch: Record<string, FieldValue>,
): Record<string, FieldValue> {
  const merged = { ...current };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}
