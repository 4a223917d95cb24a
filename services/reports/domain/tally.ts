/**
 * What one batch of events adds to the aggregates: counter deltas per slot key and histogram
 * counts per slot key, metric and bound. Pure and additive, so a batch is written as increments.
 * @module
 */
import { type Counter, durationBound, type DurationMetric, type SlotKey } from "./slots.ts";

export interface SlotDelta {
  key: SlotKey;
  counts: Partial<Record<Counter, number>>;
}

export interface DurationDelta {
  key: SlotKey;
  metric: DurationMetric;
  le: number;
  count: number;
}

/** Accumulates deltas; rows that end up all zero are kept (harmless) but never written twice. */
export class Tally {
  readonly #slots = new Map<string, SlotDelta>();
  readonly #durations = new Map<string, DurationDelta>();

  add(key: SlotKey, counter: Counter, amount = 1): void {
    const id = keyId(key);
    let delta = this.#slots.get(id);
    if (!delta) this.#slots.set(id, delta = { key, counts: {} });
    delta.counts[counter] = (delta.counts[counter] ?? 0) + amount;
  }

  /** Counts a duration: its sum and count counters and its histogram bucket. */
  duration(key: SlotKey, metric: DurationMetric, seconds: number): void {
    const whole = Math.max(0, Math.round(seconds));
    const prefix = metric === "first_response" ? "firstResponse" : "resolution";
    this.add(key, `${prefix}Count`);
    this.add(key, `${prefix}Seconds`, whole);
    const le = durationBound(whole);
    const id = `${keyId(key)}|${metric}|${le}`;
    const delta = this.#durations.get(id);
    if (delta) delta.count++;
    else this.#durations.set(id, { key, metric, le, count: 1 });
  }

  get slots(): SlotDelta[] {
    return [...this.#slots.values()];
  }

  get durations(): DurationDelta[] {
    return [...this.#durations.values()];
  }
}

function keyId(key: SlotKey): string {
  return `${key.tenant}|${key.slot}|${key.agentId}|${key.groupId}`;
}
