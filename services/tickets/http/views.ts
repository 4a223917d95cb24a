/**
 * What clients see: read-model rows and command results turned into JSON, with sealed text
 * opened for the caller. Ids and numbers that could exceed 2^53 are strings. Text whose key was
 * destroyed (the customer was erased) is `null`.
 * @module
 */
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import type { CommandResult } from "../command_handler.ts";
import type { MessageRow, TicketRow } from "../projections/ticket_rows.ts";

/** A ticket row with its subject opened. */
export async function ticketView(envelope: Envelope, row: TicketRow) {
  return {
    id: row.id,
    number: row.number,
    subject: await envelope.openUnlessErased(row.subjectSealed, {
      tenant: row.tenant,
      ticketId: row.id,
    }),
    status: row.status,
    customStatusId: row.customStatusId ?? null,
    priority: row.priority,
    requesterId: row.requesterId,
    assigneeId: row.assigneeId,
    groupId: row.groupId,
    tags: row.tags,
    customFields: row.customFields,
    followUpOf: row.followUpOf,
    externalId: row.externalId,
    messageCount: row.messageCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: Number(row.version),
  };
}

/** A message row with its body opened. */
export async function messageView(envelope: Envelope, row: MessageRow) {
  return {
    id: row.id,
    /** The ticket it was posted on: another one for messages of a merged ticket. */
    ticketId: row.ticketId,
    authorId: row.authorId,
    authorRole: row.authorRole,
    internal: row.internal,
    body: await envelope.openUnlessErased(row.bodySealed, row),
    createdAt: row.createdAt.toISOString(),
  };
}

/** The answer to a command: the ticket's decision state at the new version. */
export function commandView(result: CommandResult) {
  const { ticket } = result;
  return {
    id: result.ticketId,
    number: ticket.number,
    status: ticket.status,
    priority: ticket.priority,
    requesterId: ticket.requesterId,
    assigneeId: ticket.assigneeId,
    groupId: ticket.groupId,
    tags: ticket.tags,
    customFields: ticket.customFields,
    version: result.version,
    events: result.events.map((e) => e.type),
    duplicate: result.duplicate,
  };
}
