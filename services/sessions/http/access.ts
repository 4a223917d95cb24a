/**
 * Who may see and act in a conversation. A conversation the caller may not see (unknown,
 * another tenant's, another customer's) is `conversation_not_found`, exactly like one that does
 * not exist, so ids reveal nothing; a visible one the caller is not in is `not_a_participant`.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import type { Role } from "@ticketd/shared/events/tickets.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import type { ConversationPort, ConversationState, Participant } from "../conversation_port.ts";

/** Roles that may read any conversation of their tenant. */
export const STAFF: readonly Role[] = ["agent", "supervisor", "admin", "auditor"];
/** Roles that may join conversations as a human agent (and get agent notifications). */
export const AGENTS: readonly Role[] = ["agent", "supervisor", "admin"];

/** Conversation ids are decimal strings; anything else cannot name one. */
const CONVERSATION_ID = /^[0-9]{1,20}$/;

/** How `principal` appears in a conversation: customers as themselves, staff as agents. */
export function participantOf(principal: Principal): Participant {
  return { role: principal.role === "customer" ? "customer" : "agent", id: principal.id };
}

export function isParticipant(state: ConversationState, principal: Principal): boolean {
  const me = participantOf(principal);
  return state.participants.some((p) => p.role === me.role && p.id === me.id);
}

/** The conversation `rawId` if `principal` may see it; `conversation_not_found` otherwise. */
export async function visibleConversation(
  conversations: ConversationPort,
  principal: Principal,
  rawId: unknown,
): Promise<ConversationState> {
  const id = typeof rawId === "string" && CONVERSATION_ID.test(rawId) ? rawId : null;
  const state = id === null ? null : await conversations.get(principal.tenant, id);
  const visible = state !== null &&
    (STAFF.includes(principal.role) ? true : state.customerId === principal.id &&
      isParticipant(state, principal));
  if (!visible) notFound(id ?? String(rawId).slice(0, 40));
  return state!;
}

/** Refuses a caller who is not in `state`, and a conversation that is already closed. */
export function requireParticipant(state: ConversationState, principal: Principal): Participant {
  if (!isParticipant(state, principal)) {
    fail("not_a_participant", `You are not in conversation "${state.conversationId}"`, 403, {
      conversationId: state.conversationId,
    });
  }
  requireOpen(state);
  return participantOf(principal);
}

export function requireOpen(state: ConversationState): void {
  if (state.status === "closed") {
    fail("conversation_closed", `Conversation "${state.conversationId}" is closed`, 409, {
      conversationId: state.conversationId,
    });
  }
}

/** Refuses a caller whose role is not in `roles`. */
export function requireRole(principal: Principal, roles: readonly Role[], action: string): void {
  if (!roles.includes(principal.role)) {
    fail("forbidden", `A ${principal.role} cannot ${action}`, 403);
  }
}

function notFound(id: string): never {
  fail("conversation_not_found", `No conversation "${id}"`, 404, { conversationId: id });
}
