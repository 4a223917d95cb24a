/**
 * What routing knows about a ticket: folded from ticket events, with the subject and first
 * message opened in memory (they are sealed in the stream and never stored by routing).
 * Rules, the classifier, SLA clocks and the similar-ticket index all read this one shape.
 * @module
 */
import type { Priority, Role, TicketStatus } from "@ticketd/shared/events/tickets.ts";

export type FieldValue = string | number | boolean | null;

export interface RoutingTicket {
  tenant: string;
  ticketId: string;
  number: number;
  requesterId: string;
  status: TicketStatus;
  priority: Priority;
  tags: readonly string[];
  assigneeId: string | null;
  groupId: string | null;
  customFields: Readonly<Record<string, FieldValue>>;
  /** `customFields.channel` when it is a string, else "api". */
  channel: string;
  /** Stream sequence of the ticket's last commit (the version a command must expect). */
  version: number;
  /** ISO 8601 UTC. */
  createdAt: string;
  updatedAt: string;
  /** The first public reply by staff (agent, supervisor, admin), ISO 8601 UTC. */
  firstResponseAt: string | null;
  /** When the current assignee was set (null when unassigned). */
  assignedAt: string | null;
  /** The last public reply by staff, ISO 8601 UTC. */
  lastStaffReplyAt: string | null;
  /** When the ticket last entered `solved` (null while not solved). */
  solvedAt: string | null;
  /** Plaintext, in memory only; "" when the content was erased or cannot be opened. */
  subject: string;
  /** Plaintext of the first message, in memory only. */
  body: string;
  /** Role of the actor of the last commit (routing ignores nothing by role, rules may). */
  lastActorRole: Role;
}
