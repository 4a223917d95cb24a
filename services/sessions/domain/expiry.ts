/**
 * Idle expiry: a conversation with no event for the expiry period is closed as `expired` by the
 * collector, never by a participant. Pure: the time and the period are passed in.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import type { ConversationEvent, ConversationState, Participant } from "../conversation_port.ts";
import { openConversation } from "./decide.ts";

/** Who the `closed` event of an expiry names: the service itself, not a participant. */
export const EXPIRY_ACTOR: Participant = { role: "bot", id: "sessions-expiry" };

/** When the conversation expires if nothing more happens (epoch ms). */
export function idleDeadline(state: ConversationState, expiryMs: number): number {
  return Date.parse(state.lastActivityAt) + expiryMs;
}

/** The `closed`/`expired` event, or `conversation_active` if something happened since. */
export function decideExpire(
  state: ConversationState | null,
  now: string,
  expiryMs: number,
): ConversationEvent {
  const open = openConversation(state);
  if (Date.parse(now) < idleDeadline(open, expiryMs)) {
    fail(
      "conversation_active",
      `Conversation "${open.conversationId}" was active at ${open.lastActivityAt}`,
      409,
    );
  }
  return { type: "closed", reason: "expired", seq: open.lastSeq + 1, at: now, from: EXPIRY_ACTOR };
}
