/**
 * The published language of the routing service: SLA warnings and breaches, their schemas and
 * versions, the stream they live in and the message id that lets JetStream store each once.
 * @module
 */
import { z } from "zod";
import { defineEvent, type EventDefinition, type StoredEvent, upcastAndParse } from "./registry.ts";
import { PRIORITIES } from "./tickets.ts";

export const SLA_TARGETS = ["first_response", "resolution"] as const;
export type SlaTargetName = (typeof SLA_TARGETS)[number];

const slaAlarm = z.object({
  ticketId: z.string().regex(/^[1-9][0-9]{0,18}$/),
  tenant: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/),
  target: z.enum(SLA_TARGETS),
  /** The due time the alarm speaks of, ISO 8601 UTC. */
  dueAt: z.iso.datetime(),
  /** The ticket priority whose target was applied. */
  policyPriority: z.enum(PRIORITIES),
});

export const routingEventDefinitions = {
  /** A target's warning share has elapsed; the target is due at `dueAt`. */
  SlaWarningIssued: defineEvent(1, slaAlarm),
  /** A target was not met by `dueAt`. */
  SlaBreached: defineEvent(1, slaAlarm),
};

type Definitions = typeof routingEventDefinitions;
export type RoutingEventType = keyof Definitions;

/** A routing event in its current shape, discriminated by `type`. */
export type RoutingEvent = {
  [K in RoutingEventType]: { type: K; data: z.infer<Definitions[K]["schema"]> };
}[RoutingEventType];

/** The stream of routing's events (presence is core NATS on `routing.presence.*.*`, not here). */
export const ROUTING_STREAM = "ROUTING";

/** The wildcard the stream captures. */
export const ALL_ROUTING_EVENTS_SUBJECT = "routing.events.>";

/** The subject of one ticket's routing events: `routing.events.<tenant>.<ticket id>`. */
export function routingSubject(tenant: string, ticketId: string): string {
  return `routing.events.${tenant}.${ticketId}`;
}

/** Serialises one event as `{type, v, data}` with its current schema version. */
export function encodeRoutingEvent(event: RoutingEvent): Uint8Array {
  const stored: StoredEvent = {
    type: event.type,
    v: routingEventDefinitions[event.type].version,
    data: event.data,
  };
  return new TextEncoder().encode(JSON.stringify(stored));
}

/** Parses a stored routing event of any past version into its current shape. */
export function decodeRoutingEvent(bytes: Uint8Array): RoutingEvent {
  const stored = JSON.parse(new TextDecoder().decode(bytes)) as StoredEvent;
  const definition: EventDefinition<z.ZodType> | undefined =
    routingEventDefinitions[stored.type as RoutingEventType];
  if (!definition) throw new Error(`Unknown routing event type ${stored.type}`);
  return { type: stored.type, data: upcastAndParse(definition, stored) } as RoutingEvent;
}

/**
 * The JetStream message id of an SLA event, `sla:<tenant>:<ticketId>:<target>:<stage>:<dueAt>`:
 * the same alarm from two routing instances (or after a restart) is stored once.
 */
export function slaMessageId(event: RoutingEvent): string {
  const stage = event.type === "SlaWarningIssued" ? "warning" : "breach";
  const { tenant, ticketId, target, dueAt } = event.data;
  return `sla:${tenant}:${ticketId}:${target}:${stage}:${dueAt}`;
}
