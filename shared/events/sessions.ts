/**
 * The published language of the sessions service: what happens in a live conversation, one
 * JetStream message per event, each with a schema and a version. Message text travels sealed
 * (see `shared/crypto/envelope.ts`); nothing here is plaintext.
 * @module
 */
import { z } from "zod";
import { defineEvent, type EventDefinition, type StoredEvent, upcastAndParse } from "./registry.ts";

export const PARTICIPANT_ROLES = ["customer", "bot", "agent"] as const;
export const CLOSE_REASONS = ["customer", "agent", "expired", "bot"] as const;

const id = z.string().regex(/^[1-9][0-9]{0,18}$/);
const participant = z.object({
  role: z.enum(PARTICIPANT_ROLES),
  id: z.string().min(1).max(128),
});
/**
 * What every event carries: its place in the conversation, its time and who did it; for a
 * person's request also where it came from (for the audit trail; events before these fields
 * existed, and the bot's own, have none).
 */
const base = {
  seq: z.number().int().positive(),
  at: z.iso.datetime(),
  from: participant,
  ip: z.string().max(64).nullable().optional(),
  requestId: z.string().max(128).nullable().optional(),
};

export const sessionsEventDefinitions = {
  ParticipantJoined: defineEvent(1, z.object(base)),
  ParticipantLeft: defineEvent(1, z.object(base)),
  ConversationMessagePosted: defineEvent(
    1,
    z.object({ ...base, messageId: id, text: z.string().startsWith("enc:") }),
  ),
  ParticipantTyping: defineEvent(1, z.object(base)),
  MessagesRead: defineEvent(1, z.object({ ...base, upToSeq: z.number().int().positive() })),
  ConversationHandedOff: defineEvent(
    1,
    z.object({ ...base, ticketId: id.nullable(), reason: z.string().max(500) }),
  ),
  ConversationClosed: defineEvent(1, z.object({ ...base, reason: z.enum(CLOSE_REASONS) })),
};

type Definitions = typeof sessionsEventDefinitions;
export type SessionsEventType = keyof Definitions;

/** The port's short event names (`ConversationEvent["type"]`) and their catalogue names. */
export const SESSIONS_EVENT_NAMES = {
  joined: "ParticipantJoined",
  left: "ParticipantLeft",
  message: "ConversationMessagePosted",
  typing: "ParticipantTyping",
  read: "MessagesRead",
  handed_off: "ConversationHandedOff",
  closed: "ConversationClosed",
} as const satisfies Record<string, SessionsEventType>;

type ShortName = keyof typeof SESSIONS_EVENT_NAMES;
const SHORT_NAMES = Object.fromEntries(
  Object.entries(SESSIONS_EVENT_NAMES).map(([short, long]) => [long, short]),
) as Record<SessionsEventType, ShortName>;

/** A conversation event as the log holds it: the port's shape, with `text` sealed. */
export type SealedConversationEvent = {
  [K in ShortName]: { type: K } & z.infer<Definitions[(typeof SESSIONS_EVENT_NAMES)[K]]["schema"]>;
}[ShortName];

/** The stream of every conversation's events. */
export const SESSIONS_STREAM = "SESSIONS";

/** The wildcard the stream captures. */
export const ALL_SESSIONS_EVENTS_SUBJECT = "sessions.events.>";

/** The log subject of one conversation: `sessions.events.<tenant>.<conversation id>`. */
export function conversationSubject(tenant: string, conversationId: string): string {
  return `sessions.events.${tenant}.${conversationId}`;
}

/** The core NATS subject its events fan out on: `sessions.live.<tenant>.<conversation id>`. */
export function conversationLiveSubject(tenant: string, conversationId: string): string {
  return `sessions.live.${tenant}.${conversationId}`;
}

/** Serialises one event as `{type, v, data}` with its current schema version. */
export function encodeConversationEvent(event: SealedConversationEvent): Uint8Array {
  const { type, ...data } = event;
  const name = SESSIONS_EVENT_NAMES[type];
  const stored: StoredEvent = { type: name, v: sessionsEventDefinitions[name].version, data };
  return new TextEncoder().encode(JSON.stringify(stored));
}

/** Parses a stored event of any past version into its current shape; refuses unknown ones. */
export function decodeConversationEvent(bytes: Uint8Array): SealedConversationEvent {
  const stored = JSON.parse(new TextDecoder().decode(bytes)) as StoredEvent;
  const definition: EventDefinition<z.ZodType> | undefined =
    sessionsEventDefinitions[stored.type as SessionsEventType];
  if (!definition) throw new Error(`Unknown sessions event type ${stored.type}`);
  const data = upcastAndParse(definition, stored) as object;
  return {
    type: SHORT_NAMES[stored.type as SessionsEventType],
    ...data,
  } as SealedConversationEvent;
}
