/**
 * The public names of the events a webhook can ask for (`ticket.created`, `sla.breached`,
 * `conversation.closed`): one table from each catalogue name in `shared/events/`, typed so a new
 * event there cannot be forgotten here, and the patterns a subscription may give (an exact
 * name, a family wildcard such as `ticket.*`, or `*` for every event).
 * @module
 */
import type { RoutingEventType } from "@ticketd/shared/events/routing.ts";
import type { SessionsEventType } from "@ticketd/shared/events/sessions.ts";
import type { TicketEventType } from "@ticketd/shared/events/tickets.ts";

export const TICKET_EVENT_NAMES = {
  TicketCreated: "ticket.created",
  MessagePosted: "ticket.message_posted",
  TicketStatusChanged: "ticket.status_changed",
  TicketAssigned: "ticket.assigned",
  TicketTagsChanged: "ticket.tags_changed",
  TicketPriorityChanged: "ticket.priority_changed",
  TicketFieldsChanged: "ticket.fields_changed",
  AttachmentAdded: "ticket.attachment_added",
  TicketContentErased: "ticket.content_erased",
} as const satisfies Record<TicketEventType, `ticket.${string}`>;

export const ROUTING_EVENT_NAMES = {
  SlaWarningIssued: "sla.warning_issued",
  SlaBreached: "sla.breached",
} as const satisfies Record<RoutingEventType, `sla.${string}`>;

export const SESSIONS_EVENT_NAMES = {
  ParticipantJoined: "conversation.participant_joined",
  ParticipantLeft: "conversation.participant_left",
  ConversationMessagePosted: "conversation.message_posted",
  ParticipantTyping: "conversation.participant_typing",
  MessagesRead: "conversation.messages_read",
  ConversationHandedOff: "conversation.handed_off",
  ConversationClosed: "conversation.closed",
} as const satisfies Record<SessionsEventType, `conversation.${string}`>;

/** Every public event name, in catalogue order. */
export const WEBHOOK_EVENT_TYPES: readonly string[] = [
  ...Object.values(TICKET_EVENT_NAMES),
  ...Object.values(ROUTING_EVENT_NAMES),
  ...Object.values(SESSIONS_EVENT_NAMES),
];

const KNOWN = new Set(WEBHOOK_EVENT_TYPES);
const FAMILIES = new Set(WEBHOOK_EVENT_TYPES.map((type) => type.split(".")[0]));

/** True when `pattern` is `*`, `<family>.*` of a known family, or a known event name. */
export function isEventPattern(pattern: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith(".*")) return FAMILIES.has(pattern.slice(0, -2));
  return KNOWN.has(pattern);
}

/** True when `type` is covered by one of `patterns`. */
export function matchesAny(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) =>
    pattern === "*" || pattern === type ||
    (pattern.endsWith(".*") && type.startsWith(pattern.slice(0, -1)))
  );
}
