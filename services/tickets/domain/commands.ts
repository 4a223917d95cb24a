/**
 * Commands to a ticket. Ids, the clock and the actor arrive with the command, so the decider
 * stays pure. Text arrives already sealed: the decider never sees plaintext.
 * @module
 */
import type { Priority, Role, TicketStatus } from "@ticketd/shared/events/tickets.ts";
import type { CustomFieldSchema, FieldValue } from "./custom_fields.ts";

export interface Actor {
  id: string;
  role: Role;
  /** Agent groups (from the token); what an agent can see and assign within. */
  groups: readonly string[];
  /** The channel relaying a customer's own words (`svc:email`): it names the mail's external id. */
  relayedBy?: string;
}

export interface CreateTicket {
  type: "CreateTicket";
  ticketId: string;
  number: number;
  messageId: string;
  subject: string;
  body: string;
  priority: Priority;
  tags: string[];
  requesterId: string;
  assigneeId: string | null;
  groupId: string | null;
  customFields: Record<string, FieldValue>;
  /** Other than "new" only for imports by an admin. */
  status: TicketStatus;
  followUpOf: string | null;
  externalId: string | null;
}

export interface PostMessage {
  type: "PostMessage";
  messageId: string;
  body: string;
  internal: boolean;
}

export interface ChangeStatus {
  type: "ChangeStatus";
  to: TicketStatus;
  /** A tenant's custom status within `to`, already looked up in its catalogue; absent = none. */
  customStatusId?: string | null;
}

export interface AssignTicket {
  type: "AssignTicket";
  assigneeId: string | null;
  groupId: string | null;
}

export interface ChangeTags {
  type: "ChangeTags";
  add: string[];
  remove: string[];
}

export interface ChangePriority {
  type: "ChangePriority";
  to: Priority;
}

export interface SetCustomFields {
  type: "SetCustomFields";
  fields: Record<string, FieldValue>;
}

/** Records a file stored by the attachments service (who uploaded it, what it is). */
export interface AddAttachment {
  type: "AddAttachment";
  attachmentId: string;
  fileName: string;
  mime: string;
  size: number;
  contentId: string;
  uploaderId: string;
}

/** Records that the requester's data keys were destroyed (a customer erasure). */
export interface EraseContent {
  type: "EraseContent";
  erasureId: string;
}

/** Time the actor worked on the ticket; negative seconds correct their own earlier entries. */
export interface LogTime {
  type: "LogTime";
  entryId: string;
  seconds: number;
  /** Sealed, like a message body. */
  note: string | null;
}

/** The requester's answer to the satisfaction survey; the comment arrives sealed. */
export interface RateSatisfaction {
  type: "RateSatisfaction";
  rating: number;
  comment: string | null;
}

export type TicketCommand =
  | CreateTicket
  | RateSatisfaction
  | AddAttachment
  | EraseContent
  | PostMessage
  | ChangeStatus
  | AssignTicket
  | ChangeTags
  | ChangePriority
  | SetCustomFields
  | LogTime;

/** Deployment rules the decider applies; passed in, never read from the environment. */
export interface TicketPolicy {
  customFields: CustomFieldSchema;
  maxTags: number;
}
