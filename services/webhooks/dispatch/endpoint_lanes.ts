/**
 * Each endpoint's lane in the dispatcher: how many of its deliveries are in flight (at most
 * `perEndpoint`) and its circuit breaker (domain/breaker.ts). A lane that is full or whose
 * breaker refuses is skipped, so one endpoint never takes the others' turns.
 * @module
 */
import {
  admits,
  type Breaker,
  type BreakerPolicy,
  CLOSED,
  settled,
  trying,
} from "../domain/breaker.ts";

export class EndpointLanes {
  readonly #active = new Map<string, number>();
  readonly #breakers = new Map<string, Breaker>();

  constructor(private readonly policy: { perEndpoint: number; breaker: BreakerPolicy }) {}

  /** The breaker of `id` (closed when never tried). */
  breakerOf(id: string): Breaker {
    return this.#breakers.get(id) ?? CLOSED;
  }

  /** The endpoints that may not start a delivery at `now`: full, or refused by their breaker. */
  refused(now: number): string[] {
    const known = new Set([...this.#active.keys(), ...this.#breakers.keys()]);
    return [...known].filter((id) => !this.#admits(id, now));
  }

  /** Starts a delivery of `id` if its lane admits one at `now` (a half-open breaker: one). */
  tryStart(id: string, now: number): boolean {
    if (!this.#admits(id, now)) return false;
    this.#breakers.set(id, trying(this.breakerOf(id), now));
    this.#active.set(id, (this.#active.get(id) ?? 0) + 1);
    return true;
  }

  /** Ends a delivery of `id`; `ok` null: it was broken off (a stop), which says nothing of it. */
  finish(id: string, ok: boolean | null, now: number): void {
    if (ok !== null) {
      this.#breakers.set(id, settled(this.policy.breaker, this.breakerOf(id), ok, now));
    }
    const left = (this.#active.get(id) ?? 1) - 1;
    if (left > 0) this.#active.set(id, left);
    else this.#active.delete(id);
  }

  #admits(id: string, now: number): boolean {
    return (this.#active.get(id) ?? 0) < this.policy.perEndpoint && admits(this.breakerOf(id), now);
  }
}
