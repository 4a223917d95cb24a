/**
 * An in-memory {@link ConversationPort} for the transport tests: per-conversation sequence
 * numbers, refusals for closed conversations and non-participants, and `follow` that replays
 * after a sequence number and then goes live. It counts live followers so tests can prove that
 * a transport stops every subscription it starts.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import type {
  ConversationEvent,
  ConversationInput,
  ConversationPort,
  ConversationState,
  EventSource,
  Participant,
} from "../conversation_port.ts";

type Listener = (event: ConversationEvent) => void;

interface Stored {
  state: ConversationState;
  log: ConversationEvent[];
  listeners: Set<Listener>;
}

export interface MemoryConversationsOptions {
  /** ISO 8601 UTC clock (default: the wall clock). */
  now?: () => string;
}

/** Conversations held in a Map, keyed by tenant and id; ids are decimal and unique overall. */
export class MemoryConversations implements ConversationPort {
  readonly #conversations = new Map<string, Stored>();
  readonly #now: () => string;
  #nextId = 1000;
  readonly #sources = new Map<string, EventSource>();

  constructor(options: MemoryConversationsOptions = {}) {
    this.#now = options.now ?? (() => new Date().toISOString());
  }

  /** Subscriptions started by `follow` and not yet stopped, over all conversations. */
  get followers(): number {
    let count = 0;
    for (const stored of this.#conversations.values()) count += stored.listeners.size;
    return count;
  }

  /** Where the request behind event `seq` came from (seq 0: the open), if it said. */
  sourceOf(tenant: string, conversationId: string, seq: number): EventSource | undefined {
    return this.#sources.get(`${key(tenant, conversationId)}\u0000${seq}`);
  }

  open(tenant: string, customerId: string, source?: EventSource): Promise<ConversationState> {
    const at = this.#now();
    const state: ConversationState = {
      tenant,
      conversationId: String(this.#nextId++),
      customerId,
      status: "bot",
      participants: [{ role: "customer", id: customerId }],
      ticketId: null,
      lastSeq: 0,
      openedAt: at,
      lastActivityAt: at,
    };
    this.#conversations.set(key(tenant, state.conversationId), {
      state,
      log: [],
      listeners: new Set(),
    });
    if (source) this.#sources.set(`${key(tenant, state.conversationId)}\u00000`, source);
    return Promise.resolve(state);
  }

  get(tenant: string, conversationId: string): Promise<ConversationState | null> {
    return Promise.resolve(this.#conversations.get(key(tenant, conversationId))?.state ?? null);
  }

  append(
    tenant: string,
    conversationId: string,
    input: ConversationInput,
    source?: EventSource,
  ): Promise<ConversationEvent> {
    try {
      const stored = this.#existing(tenant, conversationId);
      const { state } = stored;
      if (state.status === "closed") {
        fail("conversation_closed", `Conversation "${conversationId}" is closed`, 409);
      }
      if (input.type !== "joined" && !isParticipant(state.participants, input.from)) {
        fail("not_a_participant", `You are not in conversation "${conversationId}"`, 403);
      }
      const event = { ...input, seq: state.lastSeq + 1, at: this.#now() } as ConversationEvent;
      stored.log.push(event);
      if (source) this.#sources.set(`${key(tenant, conversationId)}\u0000${event.seq}`, source);
      stored.state = evolve(state, event);
      for (const listener of [...stored.listeners]) listener(event);
      return Promise.resolve(event);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  follow(
    tenant: string,
    conversationId: string,
    afterSeq: number,
    onEvent: Listener,
  ): Promise<() => void> {
    try {
      const stored = this.#existing(tenant, conversationId);
      for (const event of stored.log) if (event.seq > afterSeq) onEvent(event);
      // Replay and subscription happen in one synchronous step, so nothing falls in between.
      const listener: Listener = (event) => onEvent(event);
      stored.listeners.add(listener);
      return Promise.resolve(() => stored.listeners.delete(listener));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The state and whole log of a conversation (what the bot desk reads before a turn). */
  readLog(
    ref: { tenant: string; conversationId: string },
  ): Promise<{ state: ConversationState | null; events: ConversationEvent[] }> {
    const stored = this.#conversations.get(key(ref.tenant, ref.conversationId));
    return Promise.resolve({ state: stored?.state ?? null, events: [...(stored?.log ?? [])] });
  }

  #existing(tenant: string, conversationId: string): Stored {
    const stored = this.#conversations.get(key(tenant, conversationId));
    if (!stored) {
      fail("conversation_not_found", `No conversation "${conversationId}"`, 404);
    }
    return stored;
  }
}

function key(tenant: string, conversationId: string): string {
  return `${tenant}\u0000${conversationId}`;
}

function isParticipant(participants: readonly Participant[], who: Participant): boolean {
  return participants.some((p) => p.role === who.role && p.id === who.id);
}

/** The state after `event`: who is in, the status, the last sequence number. */
function evolve(state: ConversationState, event: ConversationEvent): ConversationState {
  const next = { ...state, lastSeq: event.seq, lastActivityAt: event.at };
  switch (event.type) {
    case "joined":
      if (isParticipant(state.participants, event.from)) return next;
      return {
        ...next,
        participants: [...state.participants, event.from],
        status: event.from.role === "agent" ? "with_agent" : state.status,
      };
    case "left":
      return {
        ...next,
        participants: state.participants.filter((p) => !isParticipant([event.from], p)),
      };
    case "handed_off":
      return { ...next, status: "waiting_for_agent", ticketId: event.ticketId };
    case "closed":
      return { ...next, status: "closed" };
    default:
      return next;
  }
}
