/**
 * Commits and alarms for the notification tests and the latency measurement: well-formed
 * events with sealed-looking text, so a test can prove none of it reaches a notification.
 * @module
 */
import type { RoutingEvent } from "@ticketd/shared/events/routing.ts";
import type { Role, TicketCommit, TicketEvent } from "@ticketd/shared/events/tickets.ts";

/** Text that must never appear in a notification. */
export const SECRET_TEXT = "enc:v1:A256GCM:k1:SECRET";

export interface CommitBy {
  tenant?: string;
  actorId?: string;
  actorRole?: Role;
  at?: string;
  commandId?: string;
}

/** One commit on `ticketId` holding `events`. */
export function commitOf(ticketId: string, events: TicketEvent[], by: CommitBy = {}): TicketCommit {
  return {
    meta: {
      commandId: by.commandId ?? "1",
      tenant: by.tenant ?? "acme",
      ticketId,
      at: by.at ?? "2025-03-01T10:00:00.000Z",
      actorId: by.actorId ?? "customer-1",
      actorRole: by.actorRole ?? "customer",
    },
    events,
  };
}

/** A new ticket (with its opening message) assigned to `assigneeId` in `groupId`. */
export function created(
  ticketId: string,
  assigneeId: string | null,
  groupId: string | null = null,
): TicketEvent[] {
  return [
    {
      type: "TicketCreated",
      data: {
        ticketId,
        number: Number(ticketId),
        requesterId: "customer-1",
        subject: SECRET_TEXT,
        status: "new",
        priority: "normal",
        tags: [],
        assigneeId,
        groupId,
        customFields: {},
        followUpOf: null,
        externalId: null,
      },
    },
    posted("1" + ticketId, "customer-1", "customer"),
  ];
}

/** A message by `authorId`. */
export function posted(
  messageId: string,
  authorId: string,
  authorRole: Role,
  internal = false,
): TicketEvent {
  return {
    type: "MessagePosted",
    data: { messageId, authorId, authorRole, internal, body: SECRET_TEXT },
  };
}

/** An assignment to `assigneeId` in `groupId`. */
export function assigned(assigneeId: string | null, groupId: string | null = null): TicketEvent {
  return { type: "TicketAssigned", data: { assigneeId, groupId } };
}

/** An SLA alarm on a ticket of `tenant`. */
export function alarm(
  type: RoutingEvent["type"],
  ticketId: string,
  tenant = "acme",
): RoutingEvent {
  return {
    type,
    data: {
      ticketId,
      tenant,
      target: "first_response",
      dueAt: "2025-03-01T12:00:00.000Z",
      policyPriority: "normal",
    },
  };
}
