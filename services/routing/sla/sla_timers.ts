/**
 * The SLA alarm clock of a routing instance: the next alarm moment of every tracked ticket in a
 * min-heap, one `setTimeout` armed for the earliest, each warning and breach handed out once.
 * It holds nothing the streams cannot rebuild: track every ticket from its folded `SlaState`
 * (which records the alarms already issued) and the same alarms come due.
 * @module
 */
import type { Priority } from "@ticketd/shared/events/tickets.ts";
import { pendingAlarms, type SlaStage, type SlaTargetName } from "../domain/sla/alarms.ts";
import type { SlaPolicy } from "../domain/sla/policy.ts";
import type { SlaState } from "../domain/sla/sla_state.ts";
import type { RoutingTicket } from "../domain/routing_ticket.ts";
import { AlarmTable, KINDS } from "./alarm_table.ts";
import { SlotHeap } from "./slot_heap.ts";

/** An alarm that went off. Instants are epoch ms. */
export interface DueAlarm {
  tenant: string;
  ticketId: string;
  target: SlaTargetName;
  stage: SlaStage;
  /** The due time the alarm speaks of (for a warning, the target's due time). */
  dueAt: number;
  /** When it went off by the clocks: the warning or due moment. */
  at: number;
  policyPriority: Priority;
}

export interface SlaTimersOptions {
  /** The clock (epoch ms). */
  now: () => number;
  /** Called with the alarms that came due when the timer fires. */
  onDue: (alarms: DueAlarm[]) => void;
  /** Timer functions (tests pass their own); default the global ones. */
  setTimer?: (fire: () => void, delayMs: number) => unknown;
  clearTimer?: (id: unknown) => void;
}

// setTimeout takes at most 2^31-1 ms; a later alarm is reached by re-arming.
const MAX_DELAY_MS = 2 ** 31 - 1;

export class SlaTimers {
  readonly #table = new AlarmTable();
  readonly #heap = new SlotHeap();
  readonly #slots = new Map<string, number>();
  readonly #options: Required<SlaTimersOptions>;
  #running = false;
  #timer: unknown = null;
  #armedFor = NaN;

  constructor(options: SlaTimersOptions) {
    this.#options = {
      setTimer: (fire, delay) => setTimeout(fire, delay),
      clearTimer: (id) => clearTimeout(id as number),
      ...options,
    };
  }

  /** Tickets tracked. */
  get size(): number {
    return this.#slots.size;
  }

  /** The next moment an alarm goes off, or null when none is pending. */
  nextAt(): number | null {
    const slot = this.#heap.peek();
    return slot < 0 ? null : this.#heap.keyOf(slot);
  }

  /** Tracks (or re-tracks, replacing) the alarms of `ticket`, from its state and policy. */
  track(
    ticket: Pick<RoutingTicket, "tenant" | "ticketId">,
    state: SlaState,
    policy: SlaPolicy,
  ): void {
    const alarms = pendingAlarms(state, policy);
    let slot = this.#slots.get(ticket.ticketId);
    if (alarms.length === 0) {
      if (slot !== undefined) this.untrack(ticket.ticketId);
      return;
    }
    if (slot === undefined) {
      slot = this.#table.allocate(ticket.tenant, ticket.ticketId);
      this.#slots.set(ticket.ticketId, slot);
    }
    this.#table.write(slot, alarms);
    this.#schedule(slot);
    this.#arm();
  }

  /** Forgets `ticketId` (closed, deleted, moved away). */
  untrack(ticketId: string): void {
    const slot = this.#slots.get(ticketId);
    if (slot === undefined) return;
    this.#slots.delete(ticketId);
    this.#heap.delete(slot);
    this.#table.release(slot);
    this.#arm();
  }

  /** The alarms due at `nowMs` that have not gone off yet, each once, in time order. */
  due(nowMs: number): DueAlarm[] {
    const alarms: DueAlarm[] = [];
    for (
      let slot = this.#heap.peek();
      slot >= 0 && this.#heap.keyOf(slot) <= nowMs;
      slot = this.#heap.peek()
    ) {
      for (let k = 0; k < 4; k++) {
        const at = this.#table.at[slot * 4 + k];
        if (!(at <= nowMs) || this.#table.fired[slot] & (1 << k)) continue;
        this.#table.fired[slot] |= 1 << k;
        alarms.push(this.#alarm(slot, k));
      }
      this.#schedule(slot);
    }
    this.#arm();
    return alarms.sort((a, b) => a.at - b.at || compareIds(a.ticketId, b.ticketId));
  }

  /** Arms the timer; alarms then reach `onDue` as they come due. */
  start(): void {
    this.#running = true;
    this.#arm();
  }

  /** Clears the timer; tracking goes on, nothing fires until `start()`. */
  stop(): void {
    this.#running = false;
    this.#disarm();
  }

  #alarm(slot: number, k: number): DueAlarm {
    return {
      tenant: this.#table.tenantOf(slot),
      ticketId: this.#table.ids[slot]!,
      ...KINDS[k],
      dueAt: this.#table.dueAt[slot * 4 + k],
      at: this.#table.at[slot * 4 + k],
      policyPriority: this.#table.priorityOf(slot),
    };
  }

  #schedule(slot: number): void {
    const next = this.#table.nextAt(slot);
    if (next === next) this.#heap.set(slot, next);
    else this.#heap.delete(slot); // all gone off: kept in the table so re-tracking stays quiet
  }

  #arm(): void {
    if (!this.#running) return;
    const next = this.nextAt() ?? NaN;
    if (next === this.#armedFor || (next !== next && this.#timer === null)) return;
    this.#disarm();
    if (next !== next) return;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, next - this.#options.now()));
    this.#armedFor = next;
    this.#timer = this.#options.setTimer(() => this.#fire(), delay);
  }

  #disarm(): void {
    if (this.#timer !== null) this.#options.clearTimer(this.#timer);
    this.#timer = null;
    this.#armedFor = NaN;
  }

  #fire(): void {
    this.#timer = null;
    this.#armedFor = NaN;
    const alarms = this.due(this.#options.now());
    try {
      if (alarms.length) this.#options.onDue(alarms);
    } finally {
      this.#arm();
    }
  }
}

/** Decimal ids in numeric order. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
