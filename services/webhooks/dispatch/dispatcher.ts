/**
 * The dispatcher: takes due deliveries from the outbox and posts them, at most `concurrency` at
 * once overall and `perEndpoint` at once per subscription, each endpoint behind its own circuit
 * breaker, so a dead or slow endpoint holds only its own lane (its deliveries wait, uncounted,
 * while its breaker is open) and never the others or the feed. A failure is retried after an
 * exponential back-off with jitter until the attempts or the age run out (`failed`, redelivered
 * by an admin). It wakes when the feed queues something, when an attempt ends, or every `pollMs`.
 * @module
 */
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { Breaker, BreakerPolicy } from "../domain/breaker.ts";
import { afterFailure, type RetryPolicy } from "../domain/retry.ts";
import { openSecret } from "../secret_seal.ts";
import type { DeliveryStore, DueDelivery, Outcome } from "../store/deliveries.ts";
import type { EndpointPolicy } from "../domain/endpoint_url.ts";
import { addressRefusal, type Resolve } from "./address_guard.ts";
import { EndpointLanes } from "./endpoint_lanes.ts";
import { postDelivery } from "./post_delivery.ts";

export interface DispatchPolicy {
  concurrency: number;
  perEndpoint: number;
  timeoutMs: number;
  pollMs: number;
  /** How often the sweeps run: the age limit, and the retention of finished deliveries. */
  sweepMs: number;
  retentionMs: number;
  retry: RetryPolicy;
  breaker: BreakerPolicy;
}

export interface DispatcherDeps {
  deliveries: DeliveryStore;
  keyring: Keyring;
  policy: DispatchPolicy;
  endpoints: EndpointPolicy;
  log: Logger;
  random?: () => number;
  /** How endpoint names are resolved for the address check (default: DNS). */
  resolve?: Resolve;
}

export class Dispatcher {
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #lanes: EndpointLanes;
  #stopping = new AbortController();
  #wake: (() => void) | null = null;
  #loop: Promise<void> = Promise.resolve();
  #lastSweep = 0;
  /** Attempts made, and how many of them succeeded, by this process. */
  readonly counts = { attempts: 0, succeeded: 0, failed: 0 };

  constructor(private readonly deps: DispatcherDeps) {
    this.#lanes = new EndpointLanes(deps.policy);
  }

  start(): void {
    this.#stopping = new AbortController();
    this.#loop = this.#run();
  }

  /** Something was queued or is due: look now rather than at the next poll. */
  wake(): void {
    this.#wake?.();
  }

  /** The breaker of `subscriptionId` (closed when never tried). */
  breakerOf(subscriptionId: string): Breaker {
    return this.#lanes.breakerOf(subscriptionId);
  }

  /** Ends the loop, aborts attempts under way (their deliveries stay pending) and waits. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    this.wake();
    await this.#loop;
    await Promise.allSettled(this.#inFlight.values());
  }

  async #run(): Promise<void> {
    while (!this.#stopping.signal.aborted) {
      const woken = new Promise<void>((resolve) => this.#wake = resolve);
      try {
        await this.#sweep();
        await this.#startDue();
      } catch (error) {
        this.deps.log.error("webhook dispatch failed; retrying", {
          error: String((error as Error)?.message).slice(0, 200),
        });
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        woken,
        new Promise((r) => timer = setTimeout(r, this.deps.policy.pollMs)),
      ]);
      clearTimeout(timer);
    }
  }

  async #startDue(): Promise<void> {
    const { policy } = this.deps;
    const free = policy.concurrency - this.#inFlight.size;
    if (free <= 0) return;
    const now = Date.now();
    const due = await this.deps.deliveries.due(new Date(now), {
      limit: free,
      perEndpoint: policy.perEndpoint,
      skip: this.#lanes.refused(now),
      inFlight: [...this.#inFlight.keys()],
    });
    for (const delivery of due) {
      const id = delivery.subscriptionId;
      if (!this.#lanes.tryStart(id, now)) continue; // a half-open breaker lets one through
      const attempt = this.#attempt(delivery).catch((error) => {
        this.deps.log.error("webhook attempt failed", { error: String(error).slice(0, 200) });
        return null;
      }).then((ok) => {
        this.#inFlight.delete(delivery.id);
        this.#lanes.finish(id, ok, Date.now());
        this.wake();
      });
      this.#inFlight.set(delivery.id, attempt);
    }
  }

  /** One attempt, recorded; whether the endpoint took it (null: broken off by a stop). */
  async #attempt(delivery: DueDelivery): Promise<boolean | null> {
    const { policy, deliveries, log } = this.deps;
    const outcome = await this.#post(delivery);
    if (this.#stopping.signal.aborted && !outcome.ok) return null; // not the endpoint's fault
    const end = Date.now();
    const id = delivery.subscriptionId;
    const attempts = delivery.attempts + 1;
    const next = outcome.ok
      ? "succeeded"
      : afterFailure(policy.retry, attempts, delivery.queuedAt.getTime(), end, this.#random());
    const result = next === "succeeded"
      ? next
      : "failed" in next
      ? "failed"
      : new Date(next.retryAt);
    this.counts.attempts++;
    if (result === "succeeded") this.counts.succeeded++;
    if (result === "failed") this.counts.failed++;
    await deliveries.attempted(delivery.id, outcome, result).catch((error) =>
      // The row stays pending and due: it is tried again (receivers de-duplicate by event id).
      log.error("webhook attempt not recorded", {
        delivery: delivery.id,
        error: String((error as Error)?.message).slice(0, 200),
      })
    );
    if (!outcome.ok) {
      log.warn("webhook delivery failed", {
        subscription: id,
        delivery: delivery.id,
        attempts,
        error: outcome.error,
        final: result === "failed",
      });
    }
    return outcome.ok;
  }

  /** Posts `delivery` unless its address is refused or its secret cannot be opened. */
  async #post(delivery: DueDelivery): Promise<Outcome & { ok: boolean }> {
    const refused = await addressRefusal(delivery.url, this.deps.endpoints, this.deps.resolve);
    const secrets = refused ? null : this.#secrets(delivery);
    if (!secrets) {
      const error = refused ?? "secret_unavailable";
      return { ok: false, statusCode: null, error, durationMs: 0, at: new Date() };
    }
    const attempt = {
      url: delivery.url,
      eventId: delivery.eventId,
      deliveryId: delivery.id,
      body: delivery.payload,
      secrets,
    };
    return await postDelivery(attempt, this.deps.policy.timeoutMs, this.#stopping.signal);
  }

  /** The secrets to sign with; null when they cannot be opened (a keyring without their KEK). */
  #secrets(delivery: DueDelivery): string[] | null {
    const scope = { tenant: delivery.tenant, subscriptionId: delivery.subscriptionId };
    try {
      const secrets = [openSecret(this.deps.keyring, delivery.secretSealed, scope)];
      const previous = delivery.previousSecretSealed;
      if (previous && (delivery.previousSecretExpiresAt?.getTime() ?? 0) > Date.now()) {
        secrets.push(openSecret(this.deps.keyring, previous, scope));
      }
      return secrets;
    } catch (error) {
      this.deps.log.error("webhook secret cannot be opened", {
        subscription: delivery.subscriptionId,
        error: (error as Error)?.name,
      });
      return null;
    }
  }

  async #sweep(): Promise<void> {
    const { policy, deliveries, log } = this.deps;
    const now = Date.now();
    if (now - this.#lastSweep < policy.sweepMs) return;
    this.#lastSweep = now;
    const expired = await deliveries.expire(new Date(now - policy.retry.maxAgeMs));
    if (expired > 0) log.warn("webhook deliveries expired", { count: expired });
    const pruned = await deliveries.prune(new Date(now - policy.retentionMs));
    if (pruned > 0) log.info("webhook deliveries past retention deleted", { count: pruned });
  }

  #random(): number {
    return (this.deps.random ?? Math.random)();
  }
}
