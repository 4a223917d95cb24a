/**
 * Live conversations over NATS: each event appended to stream `SESSIONS` with the expected last
 * subject sequence, then fanned out on `sessions.live.<tenant>.<id>`; the state in KV bucket
 * `conversations` (TTL = idle expiry) behind a write-through LRU that a bucket watcher keeps
 * honest. Any instance serves any conversation.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { headers, type NatsConnection } from "@nats-io/nats-core";
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import { ConcurrencyError, fail } from "@ticketd/shared/errors.ts";
import { conversationLiveSubject } from "@ticketd/shared/events/sessions.ts";
import { TENANT } from "@ticketd/shared/http/auth.ts";
import { isSnowflake } from "@ticketd/shared/ids/snowflake.ts";
import { KeyedQueue } from "@ticketd/shared/runtime/keyed_queue.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type {
  ConversationEvent,
  ConversationInput,
  ConversationPort,
  ConversationState,
  EventSource,
} from "./conversation_port.ts";
import { type ConversationRef, evolve, fold } from "./domain/conversation.ts";
import { decide, decideOpen } from "./domain/decide.ts";
import { idleDeadline } from "./domain/expiry.ts";
import { ConversationLog, ensureSessionsStream } from "./store/conversation_log.ts";
import { followConversation, STREAM_SEQ_HEADER } from "./store/live_follow.ts";
import {
  openConversationBucket,
  StateBucket,
  type StateChange,
  stateKey,
  type VersionedState,
} from "./store/state_bucket.ts";
import { DEFAULT_STATE_CACHE_ENTRIES, StateCache } from "./store/state_cache.ts";

/** A conversation with no event for this long is closed as expired (and its state expires). */
export const DEFAULT_CONVERSATION_EXPIRY_MS = 30 * 60_000;
/** How often an append decided on a stale state is decided again before giving up. */
export const DEFAULT_APPEND_ATTEMPTS = 8;
/** How long JetStream remembers a message id, so a resent message is stored once. */
export const DEFAULT_DUPLICATE_WINDOW_MS = 10 * 60_000;

export interface ConversationSettings {
  expiryMs: number;
  cacheEntries: number;
  appendAttempts: number;
  duplicateWindowMs: number;
}

export interface NatsConversationsDeps {
  nc: NatsConnection;
  envelope: Envelope;
  /** New conversation ids (a snowflake generator's `next`). */
  nextId: () => string;
  now?: () => number;
  logger?: Logger;
  settings?: Partial<ConversationSettings>;
}

/** What the collector needs to close a conversation: its whole log, folded. */
export interface LoadedLog {
  state: ConversationState | null;
  events: ConversationEvent[];
  streamSeq: number;
}

/** The {@link ConversationPort} over NATS; make one with {@link NatsConversations.start}. */
export class NatsConversations implements ConversationPort {
  readonly settings: ConversationSettings;
  readonly #cache: StateCache;
  readonly #queue = new KeyedQueue();
  readonly #now: () => number;
  #stopWatch: (() => Promise<void>) | undefined;

  private constructor(
    private readonly deps: NatsConversationsDeps,
    private readonly log: ConversationLog,
    private readonly bucket: StateBucket,
    settings: ConversationSettings,
  ) {
    this.settings = settings;
    this.#cache = new StateCache(settings.cacheEntries);
    this.#now = deps.now ?? Date.now;
  }

  /** Ensures the stream and the bucket, then watches the bucket; resolves when ready. */
  static async start(deps: NatsConversationsDeps): Promise<NatsConversations> {
    const settings = {
      expiryMs: DEFAULT_CONVERSATION_EXPIRY_MS,
      cacheEntries: DEFAULT_STATE_CACHE_ENTRIES,
      appendAttempts: DEFAULT_APPEND_ATTEMPTS,
      duplicateWindowMs: DEFAULT_DUPLICATE_WINDOW_MS,
      ...deps.settings,
    };
    const jsm = await jetstreamManager(deps.nc);
    await ensureSessionsStream(jsm, settings.duplicateWindowMs);
    const bucket = new StateBucket(await openConversationBucket(deps.nc, settings.expiryMs));
    const log = new ConversationLog(jetstream(deps.nc), jsm, deps.envelope);
    const conversations = new NatsConversations(deps, log, bucket, settings);
    conversations.#stopWatch = await bucket.watch((change) => conversations.#changed(change));
    return conversations;
  }

  /** Stops watching the bucket; followers already started stop with their own functions. */
  async stop(): Promise<void> {
    await this.#stopWatch?.();
    this.#stopWatch = undefined;
  }

  /**
   * Calls `listener` with every state in the bucket, then with every change any instance makes;
   * `stored` is null when a state was removed. Resolves to the function that stops it.
   */
  watchStates(listener: (change: StateChange) => void): Promise<() => Promise<void>> {
    return this.bucket.watch(listener);
  }

  /** Conversations whose log does not end in `closed`, with their last event's time. */
  unclosedInLog(): Promise<{ ref: ConversationRef; lastAt: string }[]> {
    return this.log.unclosed();
  }

  async open(
    tenant: string,
    customerId: string,
    source?: EventSource,
  ): Promise<ConversationState> {
    if (!TENANT.test(tenant)) {
      fail("invalid_tenant", `Tenant "${tenant.slice(0, 64)}" is not a plain id`, 400);
    }
    const ref = { tenant, conversationId: this.deps.nextId() };
    const event = decideOpen(customerId, this.#iso());
    const { streamSeq, bytes } = await this.log.append(ref, customerId, event, 0, { source });
    this.#publish(ref, bytes, streamSeq);
    const state = evolve(null, event, ref)!;
    await this.#save(ref, { state, streamSeq, revision: 0 });
    return state;
  }

  async get(tenant: string, conversationId: string): Promise<ConversationState | null> {
    const ref = refOf(tenant, conversationId);
    return ref ? (await this.#load(ref))?.state ?? null : null;
  }

  async append(
    tenant: string,
    conversationId: string,
    input: ConversationInput,
    source?: EventSource,
  ): Promise<ConversationEvent> {
    const ref = refOf(tenant, conversationId) ?? notFound();
    return await this.#queue.run(stateKey(ref), () => this.#append(ref, input, source));
  }

  async follow(
    tenant: string,
    conversationId: string,
    afterSeq: number,
    onEvent: (event: ConversationEvent) => void,
  ): Promise<() => void> {
    const ref = refOf(tenant, conversationId) ?? notFound();
    if (!Number.isInteger(afterSeq) || afterSeq < 0) {
      fail("invalid_after_seq", `Cannot follow from seq ${afterSeq}: not a whole number >= 0`, 400);
    }
    if (!(await this.#load(ref))) notFound();
    const deps = { nc: this.deps.nc, log: this.log, logger: this.deps.logger };
    return await followConversation(deps, ref, afterSeq, onEvent);
  }

  /** The conversation's whole log, folded (for the collector: state and transcript at once). */
  async readLog(ref: ConversationRef): Promise<LoadedLog> {
    const logged = await this.log.read(ref);
    const events = logged.map((l) => l.event);
    return { state: fold(events, ref), events, streamSeq: logged.at(-1)?.streamSeq ?? 0 };
  }

  /**
   * Appends `event`, decided on `loaded`, if the log has not moved on (else ConcurrencyError),
   * fans it out and stores the new state. Used by the collector to close a conversation.
   */
  async commit(ref: ConversationRef, loaded: LoadedLog, event: ConversationEvent) {
    const current = { state: loaded.state!, streamSeq: loaded.streamSeq, revision: 0 };
    return await this.#queue.run(stateKey(ref), () => this.#commit(ref, current, event));
  }

  /** Removes the state of a closed conversation: `get` returns null from now on. */
  async remove(ref: ConversationRef): Promise<void> {
    this.#cache.delete(stateKey(ref));
    await this.bucket.remove(ref);
  }

  async #append(
    ref: ConversationRef,
    input: ConversationInput,
    source?: EventSource,
  ): Promise<ConversationEvent> {
    let current = await this.#load(ref);
    for (let attempt = 1;; attempt++) {
      const event = decide(current?.state ?? null, input, this.#iso());
      try {
        const messageId = input.type === "message"
          ? `${stateKey(ref)}.${input.messageId}`
          : undefined;
        return await this.#commit(ref, current!, event, { messageId, source });
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= this.settings.appendAttempts) {
          throw error;
        }
        await backOff(attempt); // another instance is writing too: let it finish
        current = await this.#catchUp(ref, current!);
      }
    }
  }

  async #commit(
    ref: ConversationRef,
    current: VersionedState,
    event: ConversationEvent,
    options: { messageId?: string; source?: EventSource } = {},
  ): Promise<ConversationEvent> {
    const customerId = current.state.customerId;
    const appended = await this.log.append(ref, customerId, event, current.streamSeq, options);
    if (appended.duplicate) return (await this.log.readAt(ref, appended.streamSeq)) ?? event;
    this.#publish(ref, appended.bytes, appended.streamSeq);
    const state = evolve(current.state, event, ref)!;
    await this.#save(ref, { state, streamSeq: appended.streamSeq, revision: current.revision });
    return event;
  }

  /** The state folded forward with what the log holds after it. */
  async #catchUp(ref: ConversationRef, current: VersionedState): Promise<VersionedState> {
    let { state, streamSeq } = current;
    for (const logged of await this.log.read(ref, current.streamSeq)) {
      state = evolve(state, logged.event, ref)!;
      streamSeq = logged.streamSeq;
    }
    const caughtUp = { ...current, state, streamSeq };
    this.#cache.set(stateKey(ref), caughtUp);
    return caughtUp;
  }

  async #load(ref: ConversationRef): Promise<VersionedState | null> {
    const key = stateKey(ref);
    const cached = this.#cache.get(key);
    // Past its expiry the bucket may have dropped it without a marker: ask the bucket again.
    if (cached && idleDeadline(cached.state, this.settings.expiryMs) > this.#now()) return cached;
    const loaded = await this.bucket.load(ref);
    if (loaded) this.#cache.set(key, loaded);
    else this.#cache.delete(key);
    return loaded;
  }

  async #save(ref: ConversationRef, next: VersionedState): Promise<void> {
    const saved = await this.bucket.save(ref, next, next.revision);
    if (saved) this.#cache.set(stateKey(ref), saved);
    else this.#cache.delete(stateKey(ref));
  }

  #publish(ref: ConversationRef, bytes: Uint8Array, streamSeq: number): void {
    const h = headers();
    h.set(STREAM_SEQ_HEADER, String(streamSeq));
    this.deps.nc.publish(conversationLiveSubject(ref.tenant, ref.conversationId), bytes, {
      headers: h,
    });
  }

  #changed(change: StateChange): void {
    // Another instance's write (or a removal) makes a cached entry older than the bucket.
    this.#cache.invalidate(change.key, change.stored ? change.revision : Infinity);
  }

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }
}

/** The conversation's reference, or null when tenant or id cannot be one (never a wildcard). */
function refOf(tenant: string, conversationId: string): ConversationRef | null {
  return TENANT.test(tenant) && isSnowflake(conversationId) ? { tenant, conversationId } : null;
}

/** A few jittered milliseconds, growing with the attempt, so two writers stop colliding. */
function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * attempt));
}

function notFound(): never {
  fail("conversation_not_found", "No such conversation", 404);
}
