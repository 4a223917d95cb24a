/**
 * The conversation port as the transports see it: the NATS conversations, plus the bot that
 * answers first. After a customer's message in a conversation still with the bot, the bot takes
 * a turn (in its plugin process, time-limited); its replies are posted as the bot, its actions
 * applied to the conversation's ticket, and a hand-off (asked by the bot, or a failed turn) opens
 * the ticket with the transcript and waits for an agent. Turns of one conversation run one at a
 * time.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { KeyedQueue } from "@ticketd/shared/runtime/keyed_queue.ts";
import type { ServiceChange } from "@ticketd/shared/commands/tickets.ts";
import type { BotAnswer, FailedTurn, TranscriptMessage } from "./bots/protocol.ts";
import type { BotTurnInput } from "./bots/plugin_host.ts";
import type {
  ConversationEvent,
  ConversationInput,
  ConversationPort,
  ConversationState,
  EventSource,
  Participant,
} from "./conversation_port.ts";
import type { TicketDesk } from "./ticket_desk.ts";

/** The tickets service's rule for a requester id (`shared/commands/tickets.ts`). */
const REQUESTER_ID = /^[\p{L}\p{N}_.@:+-]{1,128}$/u;
/** Who hands a conversation off when no bot is configured: the service itself. */
export const SERVICE_BOT_ID = "svc:sessions";

export interface BotDeskDeps {
  conversations: ConversationPort & {
    readLog(
      ref: { tenant: string; conversationId: string },
    ): Promise<{ state: ConversationState | null; events: ConversationEvent[] }>;
  };
  /** The plugin host; null runs without a bot (every conversation waits for an agent). */
  bots: { turn(plugin: string, input: BotTurnInput): Promise<BotAnswer | FailedTurn> } | null;
  /** The plugin that answers first. */
  bot: string;
  tickets: TicketDesk;
  /** Messages of the transcript a bot sees. */
  transcriptMessages: number;
  log: Logger;
  nextId(): string;
}

export class BotDesk implements ConversationPort {
  readonly #turns = new KeyedQueue();
  #inFlight = 0;

  constructor(private readonly deps: BotDeskDeps) {}

  /** Turns being taken now (tests wait for 0). */
  get inFlight(): number {
    return this.#inFlight;
  }

  open(tenant: string, customerId: string, source?: EventSource): Promise<ConversationState> {
    // Its ticket is the customer's: an id the tickets service refuses could never hand off.
    if (!REQUESTER_ID.test(customerId)) {
      fail(
        "unsupported_customer_id",
        "This account's id cannot own a ticket, so it cannot chat",
        403,
      );
    }
    return this.deps.conversations.open(tenant, customerId, source);
  }

  get(tenant: string, conversationId: string): Promise<ConversationState | null> {
    return this.deps.conversations.get(tenant, conversationId);
  }

  follow(
    tenant: string,
    conversationId: string,
    afterSeq: number,
    onEvent: (event: ConversationEvent) => void,
  ): Promise<() => void> {
    return this.deps.conversations.follow(tenant, conversationId, afterSeq, onEvent);
  }

  async append(
    tenant: string,
    conversationId: string,
    input: ConversationInput,
    source?: EventSource,
  ): Promise<ConversationEvent> {
    const event = await this.deps.conversations.append(tenant, conversationId, input, source);
    if (event.type === "closed") {
      this.#turns.run(`${tenant}/${conversationId}`, () => this.#archive(tenant, conversationId))
        .catch((error) =>
          this.deps.log.error("closed conversation not archived", { error: String(error) })
        );
    }
    if (event.type === "message" && event.from.role === "customer") {
      this.#inFlight++;
      this.#turns.run(`${tenant}/${conversationId}`, () => this.#turn(tenant, conversationId))
        .catch((error) => this.deps.log.error("bot turn failed", { error: String(error) }))
        .finally(() => this.#inFlight--);
    }
    return event;
  }

  /** A closed conversation's transcript goes to its ticket (or becomes one, if unanswered). */
  async #archive(tenant: string, conversationId: string): Promise<void> {
    const { state, events } = await this.deps.conversations.readLog({ tenant, conversationId });
    if (state) await archiveConversation(this.deps.tickets, state, events);
  }

  async #turn(tenant: string, conversationId: string): Promise<void> {
    const state = await this.deps.conversations.get(tenant, conversationId);
    if (!state || state.status !== "bot") return;
    const { events } = await this.deps.conversations.readLog({ tenant, conversationId });
    if (!this.deps.bots) return await this.#handOff(state, "no bot configured", events);
    const answer = await this.deps.bots.turn(this.deps.bot, {
      conversation: { tenant, conversationId, customerId: state.customerId, status: state.status },
      transcript: transcriptOf(events).slice(-this.deps.transcriptMessages),
    });
    if ("failed" in answer) {
      this.deps.log.warn("bot turn failed; handing off", { conversationId, failed: answer.failed });
      return await this.#handOff(state, `bot unavailable (${answer.failed})`, events);
    }
    const bot: Participant = { role: "bot", id: this.deps.bot };
    if (!state.participants.some((p) => p.role === "bot" && p.id === bot.id)) {
      await this.deps.conversations.append(tenant, conversationId, { type: "joined", from: bot });
    }
    for (const text of answer.replies) {
      await this.deps.conversations.append(tenant, conversationId, {
        type: "message",
        from: bot,
        messageId: this.deps.nextId(),
        text,
      });
    }
    const wantsTicket = answer.actions.some((a) => a.type === "create_ticket");
    if (answer.handoff || wantsTicket) {
      const latest = (await this.deps.conversations.get(tenant, conversationId)) ?? state;
      return await this.#handOff(
        latest,
        answer.handoff?.reason ?? "ticket asked for",
        undefined,
        answer,
      );
    }
  }

  /** Opens (or finds) the conversation's ticket and marks the conversation as waiting. */
  async #handOff(
    state: ConversationState,
    reason: string,
    known?: ConversationEvent[],
    answer?: BotAnswer,
  ): Promise<void> {
    const ref = { tenant: state.tenant, conversationId: state.conversationId };
    const events = known ?? (await this.deps.conversations.readLog(ref)).events;
    const subject = answer?.actions.find((a) => a.type === "create_ticket");
    const ticketId = state.ticketId ?? await this.deps.tickets.open(state, events, {
      subject: subject?.type === "create_ticket" ? subject.subject : undefined,
    });
    const changes = answer ? ticketChanges(answer) : [];
    if (changes.length > 0) await this.deps.tickets.change(state.tenant, ticketId, changes);
    // The bot (or, with none configured, the service) decided this, never the customer: it
    // joins first when it failed before saying anything, so the audit trail names it.
    const from: Participant = { role: "bot", id: this.deps.bot || SERVICE_BOT_ID };
    if (!state.participants.some((p) => p.role === from.role && p.id === from.id)) {
      await this.deps.conversations.append(state.tenant, state.conversationId, {
        type: "joined",
        from,
      });
    }
    await this.deps.conversations.append(state.tenant, state.conversationId, {
      type: "handed_off",
      from,
      ticketId,
      reason,
    });
  }
}

/**
 * An ended conversation's transcript: into its ticket as an internal note; or, when it had no
 * ticket and nobody (bot or agent) ever answered the customer, into a new ticket.
 */
export async function archiveConversation(
  tickets: TicketDesk,
  state: ConversationState,
  transcript: readonly ConversationEvent[],
): Promise<void> {
  if (state.ticketId) return await tickets.archive(state, transcript);
  const messages = transcript.filter((e) => e.type === "message");
  const customerSpoke = messages.some((e) => e.from.role === "customer");
  const answered = messages.some((e) => e.from.role !== "customer");
  if (customerSpoke && !answered) await tickets.open(state, transcript);
}

function ticketChanges(answer: BotAnswer): ServiceChange[] {
  return answer.actions.flatMap((action): ServiceChange[] => {
    if (action.type === "tag") return [{ type: "ChangeTags", add: action.tags, remove: [] }];
    if (action.type === "set_priority") return [{ type: "ChangePriority", to: action.priority }];
    return [];
  });
}

function transcriptOf(events: readonly ConversationEvent[]): TranscriptMessage[] {
  return events.flatMap((e) =>
    e.type === "message" ? [{ from: e.from, text: e.text, at: e.at }] : []
  );
}
