/**
 * Which inputs a conversation accepts: only participants act, nothing happens after it closed,
 * the customer opens it and is its first participant. The time arrives with the call.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import type {
  ConversationEvent,
  ConversationInput,
  ConversationState,
  Participant,
} from "../conversation_port.ts";
import { isParticipant } from "./conversation.ts";

const DECIMAL_ID = /^[1-9][0-9]{0,18}$/;

/** The first event of a new conversation: its customer joins as seq 1. */
export function decideOpen(customerId: string, now: string): ConversationEvent {
  if (customerId.length === 0 || customerId.length > 128) {
    fail(
      "invalid_customer_id",
      `Customer id "${customerId.slice(0, 64)}" is not 1-128 characters`,
      400,
    );
  }
  return { type: "joined", seq: 1, at: now, from: { role: "customer", id: customerId } };
}

/** The event `input` becomes in `state` at `now`, or a `DomainError` saying why not. */
export function decide(
  state: ConversationState | null,
  input: ConversationInput,
  now: string,
): ConversationEvent {
  const open = openConversation(state);
  if (input.type === "joined") mayJoin(open, input.from);
  else if (!isParticipant(open, input.from)) {
    fail(
      "not_a_participant",
      `${input.from.role} "${input.from.id}" is not in conversation "${open.conversationId}"`,
      403,
    );
  }
  checkInput(open, input);
  return { ...input, seq: open.lastSeq + 1, at: now } as ConversationEvent;
}

/** The state if the conversation exists and is not closed; else the error a caller gets. */
export function openConversation(state: ConversationState | null): ConversationState {
  if (state === null) fail("conversation_not_found", "No such conversation", 404);
  if (state.status === "closed") {
    fail("conversation_closed", `Conversation "${state.conversationId}" is closed`, 409);
  }
  return state;
}

function mayJoin(state: ConversationState, who: Participant): void {
  if (isParticipant(state, who)) {
    fail(
      "already_a_participant",
      `${who.role} "${who.id}" is already in conversation "${state.conversationId}"`,
      409,
    );
  }
  if (who.role === "customer" && who.id !== state.customerId) {
    fail(
      "not_a_participant",
      `Customer "${who.id}" cannot join conversation "${state.conversationId}" of another customer`,
      403,
    );
  }
}

function checkInput(state: ConversationState, input: ConversationInput): void {
  switch (input.type) {
    case "message":
      if (!DECIMAL_ID.test(input.messageId)) {
        fail(
          "invalid_message_id",
          `Message id "${input.messageId.slice(0, 32)}" is not an id`,
          400,
        );
      }
      if (input.text.trim().length === 0) fail("empty_message", "A message needs some text", 422);
      return;
    case "read":
      if (!Number.isInteger(input.upToSeq) || input.upToSeq < 1 || input.upToSeq > state.lastSeq) {
        fail(
          "read_marker_out_of_range",
          `Read marker ${input.upToSeq} is outside 1..${state.lastSeq} of conversation "${state.conversationId}"`,
          422,
        );
      }
      return;
    case "handed_off":
      if (input.ticketId !== null && !DECIMAL_ID.test(input.ticketId)) {
        fail("invalid_ticket_id", `Ticket id "${input.ticketId.slice(0, 32)}" is not an id`, 400);
      }
      return;
    case "closed":
      // Expiry is the collector's to decide (decideExpire); people close for themselves.
      if (input.reason !== input.from.role) {
        fail(
          "close_reason_not_allowed",
          `A ${input.from.role} cannot close conversation "${state.conversationId}" as "${input.reason}"`,
          422,
        );
      }
      return;
  }
}
