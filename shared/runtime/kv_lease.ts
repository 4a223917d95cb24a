/**
 * Leases in a NATS KV bucket whose entries expire (bucket TTL) unless renewed: create-if-absent
 * takes one, compare-and-set renews it. A failed renewal (a JetStream leader election, a timeout)
 * is retried until the lease may really have expired; only then, or when another holder is seen,
 * is the holder told it lost the lease.
 * @module
 */
import { JetStreamApiError } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import type { Logger } from "../log/logger.ts";
import { RuntimeError } from "./runtime_error.ts";

/** JetStream's "wrong last sequence": the entry was written since the revision we hold. */
const WRONG_LAST_SEQUENCE = 10071;
/** How soon a failed renewal is tried again (at most `renewEveryMs`). */
const RETRY_AFTER_FAILURE_MS = 1_000;
/** Given up this long before the TTL runs out (send delay, clock-rate drift to the server); at
 * most a fifth of the TTL. */
export const DEFAULT_LEASE_SAFETY_MARGIN_MS = 5_000;

export interface LeaseOptions {
  /** Who holds the lease, for operators reading the bucket; unique per process. */
  owner: string;
  /** How often to renew; the bucket TTL must be several times longer. */
  renewEveryMs: number;
  /** The bucket's TTL (`(await kv.status()).ttl`): an entry not rewritten for this long is gone. */
  ttlMs: number;
  /** The lease is given up this long before it may expire. Default 5 s, or a fifth of the TTL. */
  safetyMarginMs?: number;
  /** Called once if the lease is (or may be) lost; the holder must stop what the lease guards. */
  onLost: (error: unknown) => void;
  /** Failed renewals are logged here as warnings. */
  log?: Logger;
}

export interface Lease {
  release(): Promise<void>;
}

/** Takes the lease on `key`, or null when someone else holds it. */
export async function tryLease(kv: KV, key: string, options: LeaseOptions): Promise<Lease | null> {
  const sentAt = performance.now();
  const revision = await kv.create(key, options.owner).catch(() => null);
  if (revision === null) return null;
  return new HeldLease(kv, key, options, revision, sentAt);
}

/**
 * A lease this process holds. Its safe end is counted from when the last confirmed write was
 * sent (the server stamps it later, so the entry lives at least that long): `sent + ttl - margin`.
 */
class HeldLease implements Lease {
  #revision: number;
  #renewal: ReturnType<typeof setTimeout> | undefined;
  #expiry: ReturnType<typeof setTimeout> | undefined;
  #over = false;

  constructor(
    private readonly kv: KV,
    private readonly key: string,
    private readonly options: LeaseOptions,
    revision: number,
    sentAt: number,
  ) {
    this.#revision = revision;
    this.#confirmed(revision, sentAt);
  }

  async release(): Promise<void> {
    this.#end();
    await this.kv.delete(this.key, { previousSeq: this.#revision }).catch(() => {});
  }

  #confirmed(revision: number, sentAt: number): void {
    this.#revision = revision;
    clearTimeout(this.#expiry);
    const { ttlMs } = this.options;
    if (ttlMs > 0) {
      const margin = this.options.safetyMarginMs ??
        Math.min(DEFAULT_LEASE_SAFETY_MARGIN_MS, ttlMs / 5);
      const safeForMs = sentAt + ttlMs - margin - performance.now();
      this.#expiry = setTimeout(() => this.#lost(expired(this.key)), safeForMs);
    }
    this.#schedule(this.options.renewEveryMs);
  }

  #schedule(delayMs: number): void {
    if (!this.#over) this.#renewal = setTimeout(() => this.#renew(), delayMs);
  }

  async #renew(): Promise<void> {
    const sentAt = performance.now();
    try {
      const revision = await this.kv.update(this.key, this.options.owner, this.#revision);
      if (!this.#over) this.#confirmed(revision, sentAt);
    } catch (error) {
      if (this.#over) return;
      if (isWrongRevision(error) && !(await this.#stillOurs())) return this.#lost(error);
      this.options.log?.warn("lease renewal failed; retrying", {
        lease: this.key,
        error: (error as Error)?.name,
        message: String((error as Error)?.message).slice(0, 200),
      });
      this.#schedule(Math.min(RETRY_AFTER_FAILURE_MS, this.options.renewEveryMs));
    }
  }

  /**
   * After a refused compare-and-set: a renewal that timed out may still have landed. If the entry
   * holds our owner, it is ours at its new revision; anyone else's value (or none) means lost. An
   * unreadable entry is a failed renewal like any other.
   */
  async #stillOurs(): Promise<boolean> {
    const entry = await this.kv.get(this.key).catch(() => undefined);
    if (entry === undefined) return true;
    if (entry === null || entry.operation !== "PUT" || entry.string() !== this.options.owner) {
      return false;
    }
    this.#revision = entry.revision;
    return true;
  }

  #lost(error: unknown): void {
    if (this.#over) return;
    this.#end();
    this.options.onLost(error);
  }

  #end(): void {
    this.#over = true;
    clearTimeout(this.#renewal);
    clearTimeout(this.#expiry);
  }
}

function isWrongRevision(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE;
}

/** No renewal was confirmed for so long that the entry may have expired and been taken. */
function expired(key: string): RuntimeError {
  return new RuntimeError(
    "lease_expired",
    `Lease "${key}" was not renewed in time; it may be gone`,
  );
}
