/**
 * Splitting a ticket at a message, pure: which messages move (that one and those after it), and
 * the events that open the new ticket with copies of them. The copies are sealed for the new
 * ticket by the caller (text is bound to its ticket id); the original hides the moved messages
 * once the new ticket holds them. Why: docs/merge-split-links.md.
 * @module
 */
import type { TicketEvent } from "@ticketd/shared/events/tickets.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { ExistingTicket } from "./ticket.ts";

/** One message of the original, as its events hold it (body sealed for the original). */
export interface OriginalMessage {
  messageId: string;
  authorId: string;
  authorRole: Extract<TicketEvent, { type: "MessagePosted" }>["data"]["authorRole"];
  internal: boolean;
  body: string;
}

/** The original's own messages still shown on it (those of undone splits come back). */
export function shownMessages(events: readonly TicketEvent[]): OriginalMessage[] {
  const moved = new Map<string, string[]>();
  const messages: OriginalMessage[] = [];
  for (const event of events) {
    if (event.type === "MessagePosted") messages.push(event.data);
    if (event.type === "TicketSplit") moved.set(event.data.splitId, event.data.messageIds);
    if (event.type === "TicketSplitUndone") moved.delete(event.data.splitId);
  }
  const hidden = new Set([...moved.values()].flat());
  return messages.filter((m) => !hidden.has(m.messageId));
}

/** The messages a split at `atMessageId` moves; refused if nothing would stay behind. */
export function splitMessages(events: readonly TicketEvent[], atMessageId: string): string[] {
  if (events.some((e) => e.type === "TicketContentErased")) {
    fail("content_erased", "The requester was erased; there is nothing to split", 409);
  }
  const shown = shownMessages(events);
  const at = shown.findIndex((m) => m.messageId === atMessageId);
  if (at === -1) {
    fail("invalid_split_message", `No message "${atMessageId}" on this ticket`, 422, {
      atMessageId,
    });
  }
  if (at === 0) {
    fail("split_at_first_message", "Splitting at the first message would move everything", 422);
  }
  return shown.slice(at).map((m) => m.messageId);
}

export interface SplitTicket {
  split: Extract<TicketEvent, { type: "TicketSplit" }>["data"];
  original: ExistingTicket;
  number: number;
  /** The original's subject, sealed for the new ticket. */
  subject: string;
  /** The moved messages in order, their bodies sealed for the new ticket, with new ids. */
  messages: OriginalMessage[];
}

/** The new ticket's first commit: created as a follow-up of the original, with the copies. */
export function splitTicketEvents(s: SplitTicket): TicketEvent[] {
  const { original, split } = s;
  return [
    {
      type: "TicketCreated",
      data: {
        ticketId: split.newTicketId,
        number: s.number,
        requesterId: original.requesterId,
        subject: s.subject,
        status: "open",
        priority: original.priority,
        tags: original.tags,
        assigneeId: original.assigneeId,
        groupId: original.groupId,
        customFields: original.customFields,
        followUpOf: original.id,
        externalId: null,
      },
    },
    ...s.messages.map((m): TicketEvent => ({ type: "MessagePosted", data: m })),
    { type: "TicketSplit", data: split },
    {
      type: "TicketLinked",
      data: { linkId: split.splitId, kind: "follow_up_of", otherId: original.id },
    },
  ];
}
