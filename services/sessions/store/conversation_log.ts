/**
 * The event log of every conversation: stream `SESSIONS`, one subject per conversation, one
 * message per event. Appends carry the expected last subject sequence, so two instances never
 * interleave one conversation's events; replays read the subject with direct gets.
 * @module
 */
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import {
  ALL_SESSIONS_EVENTS_SUBJECT,
  conversationSubject,
  decodeConversationEvent,
  encodeConversationEvent,
  SESSIONS_STREAM,
} from "@ticketd/shared/events/sessions.ts";
import { ensureStream, JetStreamEventStore } from "@ticketd/shared/eventstore/jetstream.ts";
import type { ConversationEvent, EventSource } from "../conversation_port.ts";
import type { ConversationRef } from "../domain/conversation.ts";
import { openEvent, sealEvent } from "./sealed_events.ts";

/** An event with the stream sequence of the message holding it. */
export interface LoggedEvent {
  event: ConversationEvent;
  streamSeq: number;
}

/** Creates or updates stream `SESSIONS` (file storage, direct gets, the duplicate window). */
export function ensureSessionsStream(jsm: JetStreamManager, duplicateWindowMs: number) {
  return ensureStream(jsm, {
    name: SESSIONS_STREAM,
    subjects: [ALL_SESSIONS_EVENTS_SUBJECT],
    duplicateWindowMs,
  });
}

/** Appends and reads conversation events; text is sealed on the way in, opened on the way out. */
export class ConversationLog {
  readonly #store: JetStreamEventStore;

  constructor(
    js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly envelope: Envelope,
  ) {
    this.#store = new JetStreamEventStore(js, jsm, SESSIONS_STREAM);
  }

  /**
   * Appends `event` if the conversation's last message is still `expectedStreamSeq` (0 = none),
   * else throws `ConcurrencyError`. A repeated `messageId` returns the original's sequence; a
   * `source` is stored with the event (for the audit trail).
   */
  async append(
    ref: ConversationRef,
    customerId: string,
    event: ConversationEvent,
    expectedStreamSeq: number,
    { messageId, source }: { messageId?: string; source?: EventSource } = {},
  ): Promise<{ streamSeq: number; duplicate: boolean; bytes: Uint8Array }> {
    const sealed = await sealEvent(this.envelope, ref, customerId, event);
    const bytes = encodeConversationEvent(source ? { ...sealed, ...source } : sealed);
    const subject = conversationSubject(ref.tenant, ref.conversationId);
    // "" = no message id: nats.js sends the header only for a non-empty id.
    const options = { expectedVersion: expectedStreamSeq, messageId: messageId ?? "" };
    const { version, duplicate } = await this.#store.append(subject, bytes, options);
    return { streamSeq: version, duplicate, bytes };
  }

  /** The conversation's events stored after stream sequence `afterStreamSeq`, in order. */
  async read(ref: ConversationRef, afterStreamSeq = 0): Promise<LoggedEvent[]> {
    const subject = conversationSubject(ref.tenant, ref.conversationId);
    const messages = await this.#store.readSubject(subject, afterStreamSeq);
    return await Promise.all(messages.map(async (m) => ({
      event: await this.decode(ref, m.data),
      streamSeq: m.version,
    })));
  }

  /** The event in the message at `streamSeq`, or null. */
  async readAt(ref: ConversationRef, streamSeq: number): Promise<ConversationEvent | null> {
    const message = await this.#store.readAt(streamSeq);
    return message ? await this.decode(ref, message.data) : null;
  }

  /**
   * Every conversation whose last event is not `closed`, with that event's time: one stream
   * info listing the subjects, then one direct get per subject (for a collector's start).
   */
  async unclosed(): Promise<{ ref: ConversationRef; lastAt: string }[]> {
    const info = await this.jsm.streams.info(SESSIONS_STREAM, {
      subjects_filter: ALL_SESSIONS_EVENTS_SUBJECT,
    });
    const found = [];
    for (const subject of Object.keys(info.state.subjects ?? {})) {
      const [, , tenant, conversationId] = subject.split(".");
      const last = await this.jsm.direct.getMessage(SESSIONS_STREAM, { last_by_subj: subject });
      if (!last) continue;
      const event = decodeConversationEvent(last.data);
      if (event.type !== "closed") {
        found.push({ ref: { tenant, conversationId }, lastAt: event.at });
      }
    }
    return found;
  }

  /** Decodes and opens one stored (or fanned-out) event. */
  decode(ref: ConversationRef, bytes: Uint8Array): Promise<ConversationEvent> {
    return openEvent(this.envelope, ref, decodeConversationEvent(bytes));
  }
}
