/**
 * What a webhook tells: one {@link WebhookEvent} per event of a stream message, named by its
 * place in the stream (`<stream>:<seq>:<index>`), so a redelivered message gives the same ids.
 * Ticket text is sealed at rest and never leaves in a webhook: a sealed value is dropped and its
 * field named in `sealedFields` (the receiver fetches content over the API with its own token);
 * the caller's IP address is not passed on either.
 * @module
 */
import { decodeRoutingEvent, routingEventDefinitions } from "@ticketd/shared/events/routing.ts";
import {
  decodeConversationEvent,
  SESSIONS_EVENT_NAMES as CATALOGUE_SESSIONS,
  sessionsEventDefinitions,
} from "@ticketd/shared/events/sessions.ts";
import { decodeCommit, ticketEventDefinitions } from "@ticketd/shared/events/tickets.ts";
import { publicEventName } from "./event_types.ts";

export type SourceKind = "tickets" | "routing" | "sessions";

/** A stream message as the feed hands it over. */
export interface SourceMessage {
  stream: string;
  seq: number;
  subject: string;
  data: Uint8Array;
  /** When JetStream stored it, ISO 8601 UTC: the time of events that carry none of their own. */
  storedAt: string;
}

export interface WebhookEvent {
  /** `<stream>:<seq>:<index>`: stable across redelivery; receivers de-duplicate by it. */
  id: string;
  type: string;
  version: number;
  tenant: string;
  ticketId: string | null;
  conversationId: string | null;
  /** When it happened, ISO 8601 UTC. */
  occurredAt: string;
  /** Who did it and under which command; no IP address. */
  meta: Record<string, unknown>;
  /** The event's fields without sealed text. */
  data: Record<string, unknown>;
  /** The fields that hold sealed text, left out of `data`. */
  sealedFields: string[];
}

/** The events of one message of a `kind` stream; throws on a message this build cannot read. */
export function webhookEvents(kind: SourceKind, message: SourceMessage): WebhookEvent[] {
  const id = (index: number) => `${message.stream}:${message.seq}:${index}`;
  if (kind === "tickets") {
    const { meta, events } = decodeCommit(message.data);
    const { ip: _ip, tenant, ticketId, at, ...who } = meta;
    return events.map((event, index) => ({
      id: id(index),
      type: publicEventName("tickets", event.type),
      version: ticketEventDefinitions[event.type].version,
      tenant,
      ticketId,
      conversationId: null,
      occurredAt: at,
      meta: who,
      ...withoutSealed(event.data),
    }));
  }
  if (kind === "routing") {
    const event = decodeRoutingEvent(message.data);
    const { tenant, ticketId, ...data } = event.data;
    return [{
      id: id(0),
      type: publicEventName("routing", event.type),
      version: routingEventDefinitions[event.type].version,
      tenant,
      ticketId,
      conversationId: null,
      occurredAt: message.storedAt, // SLA events carry only their due time
      meta: { actorId: "svc:routing" },
      ...withoutSealed(data),
    }];
  }
  const event = decodeConversationEvent(message.data);
  // sessions.events.<tenant>.<conversation id>
  const [, , tenant, conversationId] = message.subject.split(".");
  const { type, at, from, ip: _ip, requestId, ...data } = event;
  const name = CATALOGUE_SESSIONS[type];
  return [{
    id: id(0),
    type: publicEventName("sessions", name),
    version: sessionsEventDefinitions[name].version,
    tenant,
    ticketId: "ticketId" in data ? data.ticketId : null,
    conversationId,
    occurredAt: at,
    meta: { actorId: from.id, actorRole: from.role, ...(requestId ? { requestId } : {}) },
    ...withoutSealed(data),
  }];
}

/** The body a webhook posts for `event`. */
export function payloadOf(event: WebhookEvent): string {
  return JSON.stringify(event);
}

function withoutSealed(data: object): { data: Record<string, unknown>; sealedFields: string[] } {
  const kept: Record<string, unknown> = {};
  const sealedFields: string[] = [];
  for (const [name, value] of Object.entries(data)) {
    if (typeof value === "string" && value.startsWith("enc:")) sealedFields.push(name);
    else kept[name] = value;
  }
  return { data: kept, sealedFields };
}
