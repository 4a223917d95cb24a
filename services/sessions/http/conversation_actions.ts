/**
 * What a caller can do in a conversation, shared by the HTTP routes and the WebSocket so both
 * transports apply the same rules: open, view, join, post, typing, read markers, close.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import type {
  ConversationEvent,
  ConversationPort,
  ConversationState,
  EventSource,
} from "../conversation_port.ts";
import {
  AGENTS,
  isParticipant,
  participantOf,
  requireOpen,
  requireParticipant,
  requireRole,
  visibleConversation,
} from "./access.ts";
import { SentMessages } from "./sent_messages.ts";

export interface ConversationActionsDeps {
  conversations: ConversationPort;
  /** A new message id (a decimal snowflake in the service). */
  newMessageId: () => string;
  /** Shared by every transport of the process, so a retry over either is recognised. */
  sent?: SentMessages;
}

export type ConversationActions = ReturnType<typeof conversationActions>;

/** Who acts: the verified principal and, for a request, where it came from (for the audit). */
export type Caller = Principal & { source?: EventSource };

/** The actions over `deps.conversations`; every one checks visibility, then participation. */
export function conversationActions(deps: ConversationActionsDeps) {
  const { conversations } = deps;
  const sent = deps.sent ?? new SentMessages();
  const visible = (who: Principal, id: unknown) => visibleConversation(conversations, who, id);
  const appendAs = async (who: Caller, id: unknown, input: AppendInput) => {
    const state = await visible(who, id);
    const from = requireParticipant(state, who);
    return await conversations.append(
      who.tenant,
      state.conversationId,
      { ...input, from },
      who.source,
    );
  };
  return {
    open(who: Caller): Promise<ConversationState> {
      requireRole(who, ["customer"], "open a conversation");
      return conversations.open(who.tenant, who.id, who.source);
    },
    view: visible,
    /** Joins as an agent; a customer "joins" only their own conversation, which they are in. */
    async join(who: Caller, id: unknown): Promise<ConversationState> {
      const state = await visible(who, id);
      if (who.role !== "customer") requireRole(who, AGENTS, "join a conversation");
      requireOpen(state);
      if (isParticipant(state, who)) return state;
      const from = participantOf(who);
      const joined = { type: "joined", from } as const;
      await conversations.append(who.tenant, state.conversationId, joined, who.source);
      return (await conversations.get(who.tenant, state.conversationId)) ?? state;
    },
    post(who: Caller, id: unknown, text: string, clientMessageId?: string) {
      const send = () =>
        appendAs(who, id, { type: "message", messageId: deps.newMessageId(), text });
      if (clientMessageId === undefined) return send();
      return sent.once([who.tenant, id, who.role, who.id, clientMessageId].join("\u0000"), send);
    },
    typing: (who: Caller, id: unknown) => appendAs(who, id, { type: "typing" }),
    async read(who: Caller, id: unknown, upToSeq: number): Promise<ConversationEvent> {
      const state = await visible(who, id);
      if (upToSeq > state.lastSeq) {
        fail(
          "invalid_request",
          `upToSeq ${upToSeq} is past the last event (${state.lastSeq})`,
          422,
        );
      }
      return appendAs(who, id, { type: "read", upToSeq });
    },
    close(who: Caller, id: unknown): Promise<ConversationEvent> {
      const reason = who.role === "customer" ? "customer" : "agent";
      return appendAs(who, id, { type: "closed", reason });
    },
  };
}

type AppendInput =
  | { type: "message"; messageId: string; text: string }
  | { type: "typing" }
  | { type: "read"; upToSeq: number }
  | { type: "closed"; reason: "customer" | "agent" };
