/**
 * Who is online, per instance: a watcher on the `agent-presence` bucket keeps an in-memory map,
 * tells listeners and the subject `routing.presence.<tenant>.<agentId>` about every change, and
 * turns an agent offline itself when their heartbeat lapses (the server says nothing on 2.9).
 * @module
 */
import type { NatsConnection, QueuedIterator } from "@nats-io/nats-core";
import type { KV, KvWatchEntry } from "@nats-io/kv";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { PresenceStatus } from "../domain/assignment.ts";
import { ExpiryQueue } from "./expiry_queue.ts";
import {
  heartbeatValue,
  parsePresenceKey,
  presenceKey,
  presenceSubject,
} from "./presence_bucket.ts";

/** A change of an agent's presence, as listeners and subscribers of the subject get it. */
export interface PresenceChange {
  tenant: string;
  agentId: string;
  status: PresenceStatus;
  /** ISO 8601 UTC: the heartbeat's time, or when it lapsed. */
  at: string;
}

export type PresenceListener = (change: PresenceChange) => void;

export interface PresenceBoardOptions {
  /** The bucket's TTL: a heartbeat older than this has lapsed. */
  ttlMs: number;
  /** Publish changes on `routing.presence.*` (default true). */
  publish?: boolean;
  /** How long `start()` and `heartbeat()` wait for the watcher to catch up (default 2 s). */
  settleMs?: number;
  log?: Logger;
}

interface Waiter {
  revision: number;
  done: () => void;
}

/** The presence of every agent of every tenant, kept current from the bucket. */
export class PresenceBoard {
  readonly #present = new Map<string, Map<string, PresenceChange>>();
  readonly #listeners = new Set<PresenceListener>();
  readonly #expiries = new ExpiryQueue((key, deadline) => this.#lapse(key, deadline));
  readonly #settleMs: number;
  #watch: QueuedIterator<KvWatchEntry> | undefined;
  #running: Promise<void> | undefined;
  #applied = 0;
  #waiters: Waiter[] = [];
  #caughtUp: (() => void) | undefined;
  /** True while the heartbeats already in the bucket are being loaded. */
  #loading = true;
  #stopped = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly kv: KV,
    private readonly options: PresenceBoardOptions,
  ) {
    this.#settleMs = options.settleMs ?? 2_000;
  }

  /** Starts watching; resolves once the heartbeats already in the bucket are loaded. */
  async start(): Promise<void> {
    if (this.#stopped) throw new Error("A stopped PresenceBoard cannot start again; make another");
    if (this.#watch) return;
    const caughtUp = Promise.withResolvers<void>();
    this.#caughtUp = () => {
      this.#loading = false;
      caughtUp.resolve();
    };
    this.#watch = await this.kv.watch({ key: ">" });
    this.#running = this.#consume(this.#watch);
    if ((await this.kv.status()).values === 0) this.#caughtUp(); // nothing to load
    await this.#within(caughtUp.promise);
  }

  /** Stops watching and clears the expiry timer; listeners hear nothing more. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#watch?.stop();
    await this.#running;
    this.#watch = undefined;
    this.#expiries.stop();
    for (const waiter of this.#waiters.splice(0)) waiter.done();
    this.#caughtUp?.();
    this.#listeners.clear();
  }

  /** Calls `listener` on every change; returns the function that stops it. */
  onChange(listener: PresenceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The agent's presence now ("offline" when unknown). */
  status(tenant: string, agentId: string): PresenceStatus {
    return this.#present.get(tenant)?.get(agentId)?.status ?? "offline";
  }

  /** The tenant's agents who are online or away, by agent id. */
  online(tenant: string): PresenceChange[] {
    const agents = [...(this.#present.get(tenant)?.values() ?? [])];
    return agents.sort((a, b) => a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0);
  }

  /**
   * Stores the agent's heartbeat (an explicit "offline" too, so every instance sees it) and,
   * while this board runs, waits until it has seen the write, so a read that follows agrees.
   */
  async heartbeat(
    tenant: string,
    agentId: string,
    status: PresenceStatus,
  ): Promise<PresenceChange> {
    const at = new Date().toISOString();
    const revision = await this.kv.put(
      presenceKey(tenant, agentId),
      JSON.stringify({ status, at }),
    );
    if (this.#watch && this.#applied < revision) {
      await this.#within(new Promise<void>((done) => this.#waiters.push({ revision, done })));
    }
    return { tenant, agentId, status, at };
  }

  async #consume(watch: QueuedIterator<KvWatchEntry>): Promise<void> {
    try {
      for await (const entry of watch) {
        this.#apply(entry);
        this.#settle(entry);
      }
    } catch (error) {
      this.options.log?.error("presence watch ended", { error: String(error) });
    }
  }

  #apply(entry: KvWatchEntry): void {
    const agent = parsePresenceKey(entry.key);
    if (!agent) return;
    const value = entry.operation === "PUT" ? parseValue(entry) : null;
    const now = Date.now();
    // A live heartbeat counts from now (immune to clock skew with the server); one loaded at
    // start from when the server stored it, so an old one is not given a fresh lifetime.
    const since = this.#loading ? Math.min(now, entry.created.getTime()) : now;
    const deadline = since + this.options.ttlMs;
    const at = value?.at ?? entry.created.toISOString();
    if (!value || value.status === "offline" || deadline <= now) {
      this.#expiries.delete(entry.key);
      this.#change({ ...agent, status: "offline", at });
      return;
    }
    this.#expiries.set(entry.key, deadline);
    this.#change({ ...agent, status: value.status, at });
  }

  #lapse(key: string, deadline: number): void {
    const agent = parsePresenceKey(key);
    if (agent) this.#change({ ...agent, status: "offline", at: new Date(deadline).toISOString() });
  }

  /** Records the agent's presence; tells listeners and the subject when the status moved. */
  #change(change: PresenceChange): void {
    const agents = this.#present.get(change.tenant) ?? new Map<string, PresenceChange>();
    const before = agents.get(change.agentId)?.status ?? "offline";
    if (change.status === "offline") agents.delete(change.agentId);
    else agents.set(change.agentId, change);
    if (agents.size === 0) this.#present.delete(change.tenant);
    else this.#present.set(change.tenant, agents);
    if (before === change.status) return;
    if (this.options.publish ?? true) {
      this.nc.publish(presenceSubject(change.tenant, change.agentId), JSON.stringify(change));
    }
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.options.log?.error("presence listener failed", { error: String(error) });
      }
    }
  }

  #settle(entry: KvWatchEntry): void {
    this.#applied = Math.max(this.#applied, entry.revision);
    if (entry.isUpdate || entry.delta === 0) this.#caughtUp?.();
    if (this.#waiters.length === 0) return;
    const waiting: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (waiter.revision <= this.#applied) waiter.done();
      else waiting.push(waiter);
    }
    this.#waiters = waiting;
  }

  /** Waits for `promise`, but no longer than the settle time. */
  async #within(promise: Promise<void>): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((done) => timer = setTimeout(done, this.#settleMs));
    try {
      await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseValue(entry: KvWatchEntry) {
  try {
    const parsed = heartbeatValue.safeParse(entry.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // not JSON: not a heartbeat this service wrote
  }
}
