/**
 * The one surface of live conversations that the transports (WebSocket, SSE + POST), the bots
 * and the ticket hand-off use. Implemented over NATS (KV for state, a JetStream stream for the
 * ordered event log, core subjects for fan-out) in `conversations.ts`.
 * @module
 */
import type { ActivitySource } from "@ticketd/shared/activity/request_source.ts";

export type ParticipantRole = "customer" | "bot" | "agent";

export interface Participant {
  role: ParticipantRole;
  /** The token's `sub` for people; the plugin name for bots. */
  id: string;
}

export type ConversationStatus = "bot" | "waiting_for_agent" | "with_agent" | "closed";

export interface ConversationState {
  tenant: string;
  conversationId: string;
  customerId: string;
  status: ConversationStatus;
  participants: readonly Participant[];
  /** The ticket this conversation is linked to (after a hand-off, or when it became one). */
  ticketId: string | null;
  /** Sequence number of the last event in the conversation's log (0 = none yet). */
  lastSeq: number;
  /** ISO 8601 UTC. */
  openedAt: string;
  lastActivityAt: string;
}

/** What happens in a conversation, in order; `seq` numbers are per conversation, from 1. */
export type ConversationEvent =
  & { seq: number; at: string; from: Participant }
  & (
    | { type: "joined" }
    | { type: "left" }
    | { type: "message"; messageId: string; text: string }
    | { type: "typing" }
    | { type: "read"; upToSeq: number }
    | { type: "handed_off"; ticketId: string | null; reason: string }
    | { type: "closed"; reason: "customer" | "agent" | "expired" | "bot" }
  );

/** A new event, before it has a sequence number and time. */
export type ConversationInput = ConversationEvent extends infer E
  ? E extends ConversationEvent ? Omit<E, "seq" | "at"> : never
  : never;

/**
 * Where a person's request came from (client address, request id): kept in the log for the
 * audit trail, never shown to the other participants.
 */
export type EventSource = ActivitySource;

export interface ConversationPort {
  open(tenant: string, customerId: string, source?: EventSource): Promise<ConversationState>;
  /** The state, or null for an unknown (or other tenant's, or expired and collected) id. */
  get(tenant: string, conversationId: string): Promise<ConversationState | null>;
  /** Appends an event; refused (DomainError) for a closed conversation or a non-participant. */
  append(
    tenant: string,
    conversationId: string,
    input: ConversationInput,
    source?: EventSource,
  ): Promise<ConversationEvent>;
  /**
   * Every event after `afterSeq` (replayed from the log, so a reconnect loses and repeats
   * nothing), then live ones as they happen, in order. Returns a function that stops it.
   */
  follow(
    tenant: string,
    conversationId: string,
    afterSeq: number,
    onEvent: (event: ConversationEvent) => void,
  ): Promise<() => void>;
}
