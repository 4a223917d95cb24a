/**
 * A conversation's state, folded from its events: who is in it, where it stands, how far its
 * log goes. `evolve` is total: an event that makes no sense for the state leaves it unchanged.
 * @module
 */
import type {
  ConversationEvent,
  ConversationState,
  ConversationStatus,
  Participant,
} from "../conversation_port.ts";

/** Which conversation a log belongs to; the events themselves do not repeat it. */
export interface ConversationRef {
  tenant: string;
  conversationId: string;
}

/** True when `a` and `b` are the same participant (same role, same id). */
export function sameParticipant(a: Participant, b: Participant): boolean {
  return a.role === b.role && a.id === b.id;
}

/** True when `who` is in the conversation now. */
export function isParticipant(state: ConversationState, who: Participant): boolean {
  return state.participants.some((p) => sameParticipant(p, who));
}

/** The state after `event`; a conversation begins with its customer joining as seq 1. */
export function evolve(
  state: ConversationState | null,
  event: ConversationEvent,
  ref: ConversationRef,
): ConversationState | null {
  if (state === null) return begin(event, ref);
  if (event.seq !== state.lastSeq + 1) return state; // not the next event: not this log's
  const next = { ...state, lastSeq: event.seq, lastActivityAt: event.at };
  switch (event.type) {
    case "joined":
      return joined(next, event.from);
    case "left":
      return left(next, event.from);
    case "handed_off":
      return {
        ...next,
        ticketId: event.ticketId ?? state.ticketId,
        status: hasAgent(next) ? "with_agent" : "waiting_for_agent",
      };
    case "closed":
      return { ...next, status: "closed" };
    default:
      return next;
  }
}

/** Folds a whole log from the start. */
export function fold(
  events: readonly ConversationEvent[],
  ref: ConversationRef,
): ConversationState | null {
  return events.reduce<ConversationState | null>((state, e) => evolve(state, e, ref), null);
}

function begin(event: ConversationEvent, ref: ConversationRef): ConversationState | null {
  if (event.seq !== 1 || event.type !== "joined" || event.from.role !== "customer") return null;
  return {
    tenant: ref.tenant,
    conversationId: ref.conversationId,
    customerId: event.from.id,
    status: "bot", // a bot answers first; a hand-off calls for an agent
    participants: [event.from],
    ticketId: null,
    lastSeq: 1,
    openedAt: event.at,
    lastActivityAt: event.at,
  };
}

function joined(state: ConversationState, who: Participant): ConversationState {
  const participants = isParticipant(state, who) ? state.participants : [
    ...state.participants,
    who,
  ];
  const status: ConversationStatus = who.role === "agent" ? "with_agent" : state.status;
  return { ...state, participants, status };
}

function left(state: ConversationState, who: Participant): ConversationState {
  const participants = state.participants.filter((p) => !sameParticipant(p, who));
  const after = { ...state, participants };
  // The last agent leaving hands the customer back to the queue, not to the bot.
  if (state.status === "with_agent" && !hasAgent(after)) {
    return { ...after, status: "waiting_for_agent" };
  }
  return after;
}

function hasAgent(state: ConversationState): boolean {
  return state.participants.some((p) => p.role === "agent");
}
