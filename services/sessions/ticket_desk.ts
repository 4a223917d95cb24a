/**
 * Where conversations meet tickets, through the tickets service's commands over NATS: a
 * hand-off or an unanswered conversation opens a ticket for the customer with the transcript as
 * its first message (tagged `chat:<conversation id>` so agents can join the conversation), and an
 * expired conversation that had a ticket is archived into its history as an internal note
 * (internal, so it does not count as a first response). One idempotency key per conversation:
 * two instances handing off the same conversation open one ticket.
 * @module
 */
import type { SendTicketCommand } from "@ticketd/shared/commands/ticket_command_client.ts";
import type { ServiceChange } from "@ticketd/shared/commands/tickets.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Priority } from "@ticketd/shared/events/tickets.ts";
import type { ConversationEvent, ConversationState } from "./conversation_port.ts";

const SERVICE = "sessions";
const SUBJECT_CHARS = 120;

/** The tag that links a ticket to its conversation. */
export function conversationTag(conversationId: string): string {
  return `chat:${conversationId}`;
}

/** The conversation as plain lines: `2026-12-03T10:00:00Z customer cust-1: text`. */
export function transcriptText(events: readonly ConversationEvent[]): string {
  return events.flatMap((event) =>
    event.type === "message"
      ? [`${event.at} ${event.from.role} ${event.from.id}: ${event.text}`]
      : []
  ).join("\n");
}

export class TicketDesk {
  constructor(private readonly send: SendTicketCommand, private readonly maxBodyChars: number) {}

  /** Opens the conversation's ticket (once per conversation), returning its id. */
  async open(
    state: ConversationState,
    transcript: readonly ConversationEvent[],
    extra: { subject?: string; priority?: Priority; tags?: string[] } = {},
  ): Promise<string> {
    const firstWords = transcript.find((e) => e.type === "message" && e.from.role === "customer");
    const subject = extra.subject ??
      `Chat: ${firstWords?.type === "message" ? firstWords.text : state.conversationId}`;
    const reply = await this.send(state.tenant, {
      service: SERVICE,
      create: {
        subject: oneLine(subject).slice(0, SUBJECT_CHARS),
        body: this.#body(transcript),
        requesterId: state.customerId,
        priority: extra.priority ?? "normal",
        tags: [conversationTag(state.conversationId), ...(extra.tags ?? [])],
      },
      idempotencyKey: `conversation:${state.conversationId}`,
    });
    if (!reply.ok) fail(reply.code, reply.message, reply.status);
    return reply.ticketId;
  }

  /** Applies changes (tags, priority, a note) to the conversation's ticket. */
  async change(tenant: string, ticketId: string, changes: ServiceChange[]): Promise<void> {
    const reply = await this.send(tenant, { service: SERVICE, ticketId, changes });
    if (!reply.ok) fail(reply.code, reply.message, reply.status);
  }

  /** Archives the whole transcript into the ticket's history as an internal note. */
  async archive(
    state: ConversationState,
    transcript: readonly ConversationEvent[],
  ): Promise<void> {
    if (!state.ticketId) return;
    const body = this.#body(transcript);
    await this.change(state.tenant, state.ticketId, [
      {
        type: "PostMessage",
        body: `Chat transcript (${state.conversationId}):\n${body}`,
        internal: true,
      },
    ]);
  }

  #body(transcript: readonly ConversationEvent[]): string {
    const text = transcriptText(transcript) || "(no messages)";
    return text.length <= this.maxBodyChars
      ? text
      : `${text.slice(0, this.maxBodyChars - 20)}\n(cut)`;
  }
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029\u202A-\u202E\u2066-\u2069]+/gu, " ").trim() || "Chat";
}
