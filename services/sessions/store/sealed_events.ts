/**
 * Message text in and out of the log: sealed with the customer's data key and bound to the
 * conversation (its id stands where a ticket id would), so erasing the customer shreds the chat.
 * @module
 */
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import type { SealedConversationEvent } from "@ticketd/shared/events/sessions.ts";
import type { ConversationEvent } from "../conversation_port.ts";
import type { ConversationRef } from "../domain/conversation.ts";

/** The event as the log stores it: `text` sealed for `customerId`, everything else as is. */
export async function sealEvent(
  envelope: Envelope,
  ref: ConversationRef,
  customerId: string,
  event: ConversationEvent,
): Promise<SealedConversationEvent> {
  if (event.type !== "message") return event;
  const scope = { tenant: ref.tenant, ticketId: ref.conversationId, ownerId: customerId };
  return { ...event, text: await envelope.seal(event.text, scope) };
}

/**
 * The event with its text opened; text of an erased customer reads as "" (never sent empty).
 * Its source (client address, request id) stays in the log: it is for the audit trail, not for
 * the other participants, who are sent these events.
 */
export async function openEvent(
  envelope: Envelope,
  ref: ConversationRef,
  stored: SealedConversationEvent,
): Promise<ConversationEvent> {
  const { ip: _ip, requestId: _requestId, ...rest } = stored;
  const event = rest as SealedConversationEvent;
  if (event.type !== "message") return event;
  const scope = { tenant: ref.tenant, ticketId: ref.conversationId };
  return { ...event, text: (await envelope.openUnlessErased(event.text, scope)) ?? "" };
}
