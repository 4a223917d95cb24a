/**
 * The published language of what people and services do that is not itself a ticket change:
 * staff reading ticket content, downloads, sign-ins, token grants, user and key administration,
 * rule and SLA edits. Every service records these facts into one stream, ACTIVITY, and the audit
 * service chains them with the ticket, sessions and routing streams. No fact carries content:
 * `changes` names fields and non-secret values, never text a customer wrote.
 * @module
 */
import { z } from "zod";
import { defineEvent, type EventDefinition, type StoredEvent, upcastAndParse } from "./registry.ts";
import { ROLES } from "./tickets.ts";

const id = z.string().regex(/^[1-9][0-9]{0,18}$/);
const tenant = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/);

/** Actions are `<service>.<noun>.<verb>` in lower snake case, e.g. `tickets.ticket.read`. */
export const ACTIVITY_ACTION = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

export const ACTIVITY_OUTCOMES = ["ok", "denied", "failed"] as const;
export type ActivityOutcome = (typeof ACTIVITY_OUTCOMES)[number];

/** A value that may describe a change without being content: short scalars or lists of them. */
const changeValue = z.union([
  z.string().max(256),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string().max(256), z.number(), z.boolean()])).max(64),
]);

const activity = z.object({
  /** A snowflake: the fact's identity, and its JetStream message id (stored once). */
  id,
  at: z.iso.datetime(),
  tenant,
  actor: z.object({
    /** A user id, `svc:<service>` for a service, or `anonymous` before sign-in. */
    id: z.string().min(1).max(128),
    role: z.enum([...ROLES, "service", "anonymous"]),
  }),
  action: z.string().regex(ACTIVITY_ACTION).max(96),
  target: z.object({
    /** What was acted on: `ticket`, `attachment`, `user`, `client`, `rule`, `key`, ... */
    type: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/),
    id: z.string().min(1).max(128),
  }),
  outcome: z.enum(ACTIVITY_OUTCOMES),
  /** The caller's address as the edge saw it, and the request id the logs carry. */
  source: z.object({
    ip: z.string().max(64).nullable(),
    requestId: z.string().max(128).nullable(),
  }),
  /** Field name to new value (or to `true` when the value is content and must not be kept). */
  changes: z.record(z.string().max(64), changeValue).optional(),
});

export const activityEventDefinitions = {
  ActivityRecorded: defineEvent(1, activity),
};

type Definitions = typeof activityEventDefinitions;
export type ActivityEventType = keyof Definitions;

/** One recorded fact in its current shape. */
export type Activity = z.infer<typeof activity>;

/** The stream every service records activity into. */
export const ACTIVITY_STREAM = "ACTIVITY";

/** The wildcard the stream captures. */
export const ALL_ACTIVITY_SUBJECT = "activity.>";

/** The subject of one service's facts for one tenant: `activity.<tenant>.<service>`. */
export function activitySubject(tenant: string, service: string): string {
  return `activity.${tenant}.${service}`;
}

/** Serialises a fact as `{type, v, data}` with its current schema version. */
export function encodeActivity(fact: Activity): Uint8Array {
  const stored: StoredEvent = {
    type: "ActivityRecorded",
    v: activityEventDefinitions.ActivityRecorded.version,
    data: activity.parse(fact),
  };
  return new TextEncoder().encode(JSON.stringify(stored));
}

/** Parses a stored fact of any past version into its current shape. */
export function decodeActivity(bytes: Uint8Array): Activity {
  const stored = JSON.parse(new TextDecoder().decode(bytes)) as StoredEvent;
  const definition: EventDefinition<z.ZodType> | undefined =
    activityEventDefinitions[stored.type as ActivityEventType];
  if (!definition) throw new Error(`Unknown activity event type ${stored.type}`);
  return upcastAndParse(definition, stored) as Activity;
}

/** The JetStream message id of a fact: its own id, so a retried publish is stored once. */
export function activityMessageId(fact: Activity): string {
  return `activity:${fact.id}`;
}
