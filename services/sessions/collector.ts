/**
 * The expiry collector: conversations idle longer than the expiry are closed as `expired`,
 * handed to `onExpired` with their transcript, and their state removed. Deadlines live in
 * memory (fed by the bucket watcher, so every instance's activity counts) behind ONE timer
 * armed for the earliest; a sweep never runs twice at once and `stop()` leaves no timer.
 * Closing is an append with the expected sequence, so of two instances only one closes.
 * @module
 */
import { ConcurrencyError, DomainError } from "@ticketd/shared/errors.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { ConversationEvent, ConversationState } from "./conversation_port.ts";
import type { NatsConversations } from "./conversations.ts";
import { type ConversationRef, evolve } from "./domain/conversation.ts";
import { decideExpire, idleDeadline } from "./domain/expiry.ts";
import { parseStateKey, type StateChange, stateKey } from "./store/state_bucket.ts";

/** Archives an expired conversation (the integrator writes the transcript into the ticket). */
export type ExpiredListener = (
  state: ConversationState,
  transcript: ConversationEvent[],
) => Promise<void> | void;

export interface CollectorOptions {
  onExpired: ExpiredListener;
  now?: () => number;
  logger?: Logger;
  /** Close attempts per conversation when instances race (default 3). */
  attempts?: number;
}

interface Deadline {
  ref: ConversationRef;
  at: number;
}

export class ExpiryCollector {
  readonly #deadlines = new Map<string, Deadline>();
  readonly #now: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #sweeping: Promise<void> | undefined;
  #stopWatch: (() => Promise<void>) | undefined;
  #stopped = false;

  constructor(
    private readonly conversations: NatsConversations,
    private readonly options: CollectorOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  /** How many open conversations have a deadline here. */
  get size(): number {
    return this.#deadlines.size;
  }

  /** Loads deadlines from the log (conversations whose state already expired) and the bucket. */
  async start(): Promise<void> {
    const expiryMs = this.conversations.settings.expiryMs;
    for (const { ref, lastAt } of await this.conversations.unclosedInLog()) {
      this.#set(ref, Date.parse(lastAt) + expiryMs);
    }
    this.#stopWatch = await this.conversations.watchStates((change) => this.#changed(change));
  }

  /** Stops watching, clears the timer and waits for a running sweep; nothing fires after. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimer();
    this.#deadlines.clear();
    await this.#stopWatch?.();
    await this.#sweeping;
  }

  /** Closes everything due now; joins the running sweep instead of starting a second one. */
  sweep(): Promise<void> {
    this.#sweeping ??= this.#sweepDue().finally(() => {
      this.#sweeping = undefined;
      this.#arm();
    });
    return this.#sweeping;
  }

  #changed({ key, stored }: StateChange): void {
    const ref = parseStateKey(key);
    if (!ref) return;
    if (!stored || stored.state.status === "closed") this.#deadlines.delete(key);
    else this.#set(ref, idleDeadline(stored.state, this.conversations.settings.expiryMs));
  }

  #set(ref: ConversationRef, at: number): void {
    if (this.#stopped) return;
    const key = stateKey(ref);
    this.#deadlines.delete(key);
    this.#deadlines.set(key, { ref, at });
    // A timer due no later is kept: if it was for this key, it fires early, finds nothing due
    // and re-arms. So activity costs no scan of every deadline.
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#arm();
  }

  async #sweepDue(): Promise<void> {
    const now = this.#now();
    const due = [...this.#deadlines.values()].filter((d) => d.at <= now);
    for (const { ref } of due) {
      if (this.#stopped) return;
      try {
        await this.#expire(ref);
      } catch (error) {
        // Left in the index: the next sweep tries again.
        this.options.logger?.error("conversation expiry failed", { ...ref, error: String(error) });
      }
    }
  }

  async #expire(ref: ConversationRef): Promise<void> {
    const { expiryMs } = this.conversations.settings;
    for (let attempt = 1;; attempt++) {
      const loaded = await this.conversations.readLog(ref);
      const state = loaded.state;
      if (!state || state.status === "closed") return void this.#deadlines.delete(stateKey(ref));
      const deadline = idleDeadline(state, expiryMs);
      if (deadline > this.#now()) return this.#set(ref, deadline); // active since
      const event = decideExpire(state, new Date(this.#now()).toISOString(), expiryMs);
      try {
        await this.conversations.commit(ref, loaded, event);
      } catch (error) {
        if (error instanceof ConcurrencyError && attempt < (this.options.attempts ?? 3)) continue;
        if (error instanceof ConcurrencyError) return; // another instance is at it; next sweep
        throw error;
      }
      this.#deadlines.delete(stateKey(ref));
      await this.#handOver(evolve(state, event, ref)!, [...loaded.events, event]);
      return await this.conversations.remove(ref);
    }
  }

  async #handOver(state: ConversationState, transcript: ConversationEvent[]): Promise<void> {
    try {
      await this.options.onExpired(state, transcript);
    } catch (error) {
      // The log still holds the transcript; the conversation is closed either way.
      const detail = error instanceof DomainError ? error.code : String(error);
      this.options.logger?.error("expired conversation not archived", {
        tenant: state.tenant,
        conversationId: state.conversationId,
        error: detail,
      });
    }
  }

  #arm(): void {
    if (this.#stopped || this.#sweeping) return; // a running sweep re-arms when it ends
    let next = Infinity;
    for (const { at } of this.#deadlines.values()) next = Math.min(next, at);
    if (next === Infinity) return this.#clearTimer();
    if (this.#timer !== undefined && this.#timerAt <= next) return;
    this.#clearTimer();
    this.#timerAt = next;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      void this.sweep();
    }, Math.max(0, next - this.#now()));
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }
}
