/**
 * The conversations one socket follows: each attachment forwards its conversation's events in
 * order, drops any it has already forwarded (so a resume never repeats one), and stops its
 * follow subscription on detach, on the conversation closing, or when the socket goes.
 * @module
 */
import type { Principal } from "@ticketd/shared/http/auth.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type {
  ConversationEvent,
  ConversationPort,
  ConversationState,
} from "../conversation_port.ts";

interface Attachment {
  lastSeq: number;
  stop: (() => void) | null;
  ended: boolean;
}

export class SocketAttachments {
  readonly #attached = new Map<string, Attachment>();
  #closed = false;

  constructor(
    readonly conversations: ConversationPort,
    readonly maxAttachments: number,
    readonly forward: (conversationId: string, event: ConversationEvent) => void,
  ) {}

  get size(): number {
    return this.#attached.size;
  }

  /** Follows `state` after `afterSeq` (replacing an earlier attachment to it); resolves once live. */
  async attach(who: Principal, state: ConversationState, asked: number): Promise<void> {
    const id = state.conversationId;
    // A resume point past the end would wait for events that already have lower numbers.
    const afterSeq = Math.min(asked, state.lastSeq);
    this.detach(id);
    if (this.#attached.size >= this.maxAttachments) {
      fail(
        "too_many_attachments",
        `A socket follows at most ${this.maxAttachments} conversations`,
        429,
      );
    }
    const entry: Attachment = { lastSeq: afterSeq, stop: null, ended: false };
    this.#attached.set(id, entry);
    let stop: () => void;
    try {
      stop = await this.conversations.follow(
        who.tenant,
        id,
        afterSeq,
        (e) => this.#on(id, entry, e),
      );
    } catch (error) {
      if (this.#attached.get(id) === entry) this.#attached.delete(id);
      throw error;
    }
    // Detached, closed or replaced while the subscription was being set up: stop it at once.
    if (this.#closed || entry.ended || this.#attached.get(id) !== entry) return stop();
    entry.stop = stop;
    if (state.status === "closed" && entry.lastSeq >= state.lastSeq) this.#end(id, entry);
  }

  /** Stops following `conversationId`; true when it was followed. */
  detach(conversationId: string): boolean {
    const entry = this.#attached.get(conversationId);
    if (!entry) return false;
    this.#end(conversationId, entry);
    return true;
  }

  /** Stops everything, for good. */
  close(): void {
    this.#closed = true;
    for (const [id, entry] of [...this.#attached]) this.#end(id, entry);
  }

  #on(id: string, entry: Attachment, event: ConversationEvent): void {
    if (entry.ended || event.seq <= entry.lastSeq) return;
    entry.lastSeq = event.seq;
    this.forward(id, event);
    if (event.type === "closed") this.#end(id, entry);
  }

  #end(id: string, entry: Attachment): void {
    entry.ended = true;
    entry.stop?.();
    entry.stop = null;
    if (this.#attached.get(id) === entry) this.#attached.delete(id);
  }
}
