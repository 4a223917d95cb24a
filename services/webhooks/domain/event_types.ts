/**
 * The public names of the events a webhook can ask for, derived from the catalogues in
 * `shared/events/` so a new event there is offered here without a second list: a family
 * (`ticket`, `sla`, `conversation`), a dot, and the catalogue name in snake case without the
 * family's own word (`TicketCreated` -> `ticket.created`, `MessagePosted` ->
 * `ticket.message_posted`, `SlaBreached` -> `sla.breached`, `ConversationClosed` ->
 * `conversation.closed`). A subscription gives exact names, family wildcards (`ticket.*`) or `*`.
 * @module
 */
import { routingEventDefinitions } from "@ticketd/shared/events/routing.ts";
import { sessionsEventDefinitions } from "@ticketd/shared/events/sessions.ts";
import { ticketEventDefinitions } from "@ticketd/shared/events/tickets.ts";
import type { SourceKind } from "./webhook_events.ts";

const FAMILY: Record<SourceKind, { name: string; word: string }> = {
  tickets: { name: "ticket", word: "Ticket" },
  routing: { name: "sla", word: "Sla" },
  sessions: { name: "conversation", word: "Conversation" },
};

/** The public name of catalogue event `type` of a `kind` stream. */
export function publicEventName(kind: SourceKind, type: string): string {
  const { name, word } = FAMILY[kind];
  const rest = type.startsWith(word) ? type.slice(word.length) : type;
  return `${name}.${rest.replace(/(?<!^)([A-Z])/g, "_$1").toLowerCase()}`;
}

/** Every public event name, in catalogue order. */
export const WEBHOOK_EVENT_TYPES: readonly string[] = [
  ...Object.keys(ticketEventDefinitions).map((type) => publicEventName("tickets", type)),
  ...Object.keys(routingEventDefinitions).map((type) => publicEventName("routing", type)),
  ...Object.keys(sessionsEventDefinitions).map((type) => publicEventName("sessions", type)),
];

const KNOWN = new Set(WEBHOOK_EVENT_TYPES);
const FAMILIES = new Set(Object.values(FAMILY).map((family) => family.name));

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
