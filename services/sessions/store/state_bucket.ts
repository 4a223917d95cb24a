/**
 * KV bucket `conversations`: one key `<tenant>.<conversation id>` per live conversation holding
 * its state and the stream sequence of its last event. The bucket's TTL is the idle expiry and
 * every event re-puts the state; on nats-server 2.9 that expiry leaves no delete marker, so
 * nothing here relies on one (the collector works from its own deadlines and the log).
 * @module
 */
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection, QueuedIterator } from "@nats-io/nats-core";
import { type KV, Kvm, type KvWatchEntry } from "@nats-io/kv";
import type { ConversationState } from "../conversation_port.ts";
import type { ConversationRef } from "../domain/conversation.ts";

export const CONVERSATIONS_BUCKET = "conversations";

/** What the bucket holds for one conversation. */
export interface StoredState {
  state: ConversationState;
  /** Stream sequence of the conversation's last event: what the next append expects. */
  streamSeq: number;
}

/** A stored state with the KV revision it was read or written at. */
export interface VersionedState extends StoredState {
  revision: number;
}

/** A change seen by the watcher: the new value, or null when the key was deleted or purged. */
export interface StateChange {
  key: string;
  revision: number;
  stored: StoredState | null;
}

const SAVE_ATTEMPTS = 5;

/** The key of a conversation; callers have already checked tenant and id are plain tokens. */
export function stateKey(ref: ConversationRef): string {
  return `${ref.tenant}.${ref.conversationId}`;
}

/** Opens (or creates) the bucket; an existing one gets `ttlMs` so every instance agrees. */
export async function openConversationBucket(nc: NatsConnection, ttlMs: number): Promise<KV> {
  const kv = await new Kvm(nc).create(CONVERSATIONS_BUCKET, { ttl: ttlMs, history: 1 });
  const status = await kv.status();
  if (status.ttl !== ttlMs) {
    const jsm = await jetstreamManager(nc);
    const config = status.streamInfo.config;
    // The server refuses a duplicate window longer than the age limit: keep it within.
    const maxAge = ttlMs * 1_000_000;
    const duplicates = Math.min(config.duplicate_window ?? maxAge, maxAge);
    await jsm.streams.update(config.name, {
      ...config,
      max_age: maxAge,
      duplicate_window: duplicates,
    });
  }
  return kv;
}

/** Reads and writes conversation states in the bucket. */
export class StateBucket {
  constructor(private readonly kv: KV) {}

  /** The stored state, or null when absent, deleted or expired. */
  async load(ref: ConversationRef): Promise<VersionedState | null> {
    const entry = await this.kv.get(stateKey(ref));
    if (!entry || entry.operation !== "PUT") return null;
    return { ...entry.json<StoredState>(), revision: entry.revision };
  }

  /**
   * Writes `stored` over the revision it was decided from and returns what the bucket now holds.
   * If another instance wrote in between, the newer of the two (by stream sequence) stays: a
   * late write never takes the state back. Null when the state was removed meanwhile.
   */
  async save(
    ref: ConversationRef,
    stored: StoredState,
    revision: number,
  ): Promise<VersionedState | null> {
    const key = stateKey(ref);
    const value = JSON.stringify(stored);
    for (let attempt = 1;; attempt++) {
      try {
        const written = revision === 0
          ? await this.kv.put(key, value)
          : await this.kv.update(key, value, revision);
        return { ...stored, revision: written };
      } catch (error) {
        const current = await this.load(ref);
        if (current === null || current.streamSeq >= stored.streamSeq) return current;
        if (attempt >= SAVE_ATTEMPTS) throw error;
        revision = current.revision;
      }
    }
  }

  /** Removes the state (a delete marker every watcher sees). */
  async remove(ref: ConversationRef): Promise<void> {
    await this.kv.delete(stateKey(ref));
  }

  /** Every change from now on, and first every state already stored. */
  async watch(onChange: (change: StateChange) => void): Promise<() => Promise<void>> {
    const watch: QueuedIterator<KvWatchEntry> = await this.kv.watch({ key: ">" });
    const running = (async () => {
      for await (const entry of watch) {
        const stored = entry.operation === "PUT" ? entry.json<StoredState>() : null;
        onChange({ key: entry.key, revision: entry.revision, stored });
      }
    })();
    return async () => {
      watch.stop();
      await running;
    };
  }
}

/** The conversation of a key, or null for a key this service did not write. */
export function parseStateKey(key: string): ConversationRef | null {
  const [tenant, conversationId, extra] = key.split(".");
  return tenant && conversationId && extra === undefined ? { tenant, conversationId } : null;
}
