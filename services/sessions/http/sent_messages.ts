/**
 * Messages sent with a `clientMessageId`, remembered per sender and conversation (bounded, in
 * this process), so a client that retries after a dropped connection gets the original event
 * back instead of posting the message twice.
 * @module
 */
import type { ConversationEvent } from "../conversation_port.ts";

/** Remembers the latest `maxEntries` sends; the oldest is forgotten first. */
export class SentMessages {
  readonly #sent = new Map<string, Promise<ConversationEvent>>();

  constructor(readonly maxEntries = 10_000) {}

  /** The event of an earlier send under `key`, else the result of `send()` (remembered). */
  once(key: string, send: () => Promise<ConversationEvent>): Promise<ConversationEvent> {
    const earlier = this.#sent.get(key);
    if (earlier) return earlier;
    const sending = send();
    // A refused send is forgotten, so the client may try again.
    sending.catch(() => this.#sent.get(key) === sending && this.#sent.delete(key));
    this.#sent.set(key, sending);
    while (this.#sent.size > this.maxEntries) this.#sent.delete(this.#sent.keys().next().value!);
    return sending;
  }
}
