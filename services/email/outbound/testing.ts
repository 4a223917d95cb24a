/**
 * Commits for outbound's pure tests: an email ticket created by the email service, agent and
 * customer messages, status changes.
 * @module
 */
import type { CommitMeta, TicketCommit, TicketEvent } from "@ticketd/shared/events/tickets.ts";

export const TICKET_ID = "4242";

export function commitOf(
  events: TicketEvent[],
  meta: Partial<CommitMeta> = {},
): TicketCommit {
  return {
    meta: {
      commandId: "9001",
      tenant: "acme",
      ticketId: TICKET_ID,
      at: "2026-12-03T10:00:00.000Z",
      actorId: "svc:email",
      actorRole: "supervisor",
      ...meta,
    },
    events,
  };
}

export function created(
  overrides: Partial<Extract<TicketEvent, { type: "TicketCreated" }>["data"]> = {},
): TicketEvent {
  return {
    type: "TicketCreated",
    data: {
      ticketId: TICKET_ID,
      number: 17,
      requesterId: "email:alice@example.com",
      subject: "enc:v2:sealed-subject",
      status: "new",
      priority: "normal",
      tags: [],
      assigneeId: null,
      groupId: null,
      customFields: {},
      followUpOf: null,
      externalId: "email:abc",
      ...overrides,
    },
  };
}

export function posted(
  messageId: string,
  author: { id: string; role: "customer" | "agent" | "supervisor"; internal?: boolean },
): TicketEvent {
  return {
    type: "MessagePosted",
    data: {
      messageId,
      authorId: author.id,
      authorRole: author.role,
      internal: author.internal ?? false,
      body: "enc:v2:sealed-body",
    },
  };
}

export function solved(): TicketEvent {
  return { type: "TicketStatusChanged", data: { from: "open", to: "solved" } };
}
