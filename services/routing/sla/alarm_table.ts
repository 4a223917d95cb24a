/**
 * The alarms of every tracked ticket in flat typed arrays, one slot per ticket: four alarm
 * moments (first-response warning and breach, resolution warning and breach), the due times the
 * warnings announce, the policy priority and which alarms have gone off.
 * @module
 */
import type { Priority } from "@ticketd/shared/events/tickets.ts";
import { PRIORITIES } from "@ticketd/shared/events/tickets.ts";
import type { SlaAlarm, SlaStage, SlaTargetName } from "../domain/sla/alarms.ts";

/** Alarm kinds by index within a slot. */
export const KINDS: readonly { target: SlaTargetName; stage: SlaStage }[] = [
  { target: "first_response", stage: "warning" },
  { target: "first_response", stage: "breach" },
  { target: "resolution", stage: "warning" },
  { target: "resolution", stage: "breach" },
];

const kindIndex = (alarm: Pick<SlaAlarm, "target" | "stage">) =>
  (alarm.target === "resolution" ? 2 : 0) + (alarm.stage === "breach" ? 1 : 0);

/** Slot storage; a slot's moments are NaN where it has no alarm. */
export class AlarmTable {
  ids: (string | undefined)[] = [];
  #tenantNames: string[] = [];
  #tenantIndex = new Map<string, number>();
  tenant = new Uint32Array(16);
  at = new Float64Array(64).fill(NaN);
  dueAt = new Float64Array(64).fill(NaN);
  priority = new Uint8Array(16);
  fired = new Uint8Array(16);
  #free: number[] = [];

  /** A fresh slot for `ticketId` of `tenant`. */
  allocate(tenant: string, ticketId: string): number {
    const slot = this.#free.pop() ?? this.ids.length;
    this.#reserve(slot + 1);
    this.ids[slot] = ticketId;
    this.tenant[slot] = this.#intern(tenant);
    this.fired[slot] = 0;
    return slot;
  }

  release(slot: number): void {
    this.ids[slot] = undefined;
    this.at.fill(NaN, slot * 4, slot * 4 + 4);
    this.#free.push(slot);
  }

  tenantOf(slot: number): string {
    return this.#tenantNames[this.tenant[slot]];
  }

  priorityOf(slot: number): Priority {
    return PRIORITIES[this.priority[slot]];
  }

  /**
   * Replaces the alarms of `slot`. An alarm that already went off stays off when it comes back
   * unchanged (same kind, moment and due time), so re-tracking never repeats one.
   */
  write(slot: number, alarms: readonly SlaAlarm[]): void {
    const base = slot * 4;
    let fired = 0;
    const seen = [false, false, false, false];
    for (const alarm of alarms) {
      const k = kindIndex(alarm);
      seen[k] = true;
      const same = this.at[base + k] === alarm.at && this.dueAt[base + k] === alarm.dueAt;
      if (same && this.fired[slot] & (1 << k)) fired |= 1 << k;
      this.at[base + k] = alarm.at;
      this.dueAt[base + k] = alarm.dueAt;
      this.priority[slot] = PRIORITIES.indexOf(alarm.policyPriority);
    }
    for (let k = 0; k < 4; k++) if (!seen[k]) this.at[base + k] = NaN;
    this.fired[slot] = fired;
  }

  /** The earliest moment of an alarm of `slot` that has not gone off; NaN when none is left. */
  nextAt(slot: number): number {
    let next = NaN;
    for (let k = 0; k < 4; k++) {
      const at = this.at[slot * 4 + k];
      if (at === at && !(this.fired[slot] & (1 << k)) && !(at >= next)) next = at;
    }
    return next;
  }

  #intern(tenant: string): number {
    let index = this.#tenantIndex.get(tenant);
    if (index === undefined) {
      index = this.#tenantNames.push(tenant) - 1;
      this.#tenantIndex.set(tenant, index);
    }
    return index;
  }

  #reserve(slots: number): void {
    if (slots <= this.tenant.length) return;
    const capacity = Math.max(slots, this.tenant.length * 2);
    this.tenant = grown(this.tenant, new Uint32Array(capacity));
    this.priority = grown(this.priority, new Uint8Array(capacity));
    this.fired = grown(this.fired, new Uint8Array(capacity));
    this.at = grown(this.at, new Float64Array(capacity * 4).fill(NaN));
    this.dueAt = grown(this.dueAt, new Float64Array(capacity * 4).fill(NaN));
  }
}

function grown<T extends Uint8Array | Uint32Array | Float64Array>(old: T, fresh: T): T {
  fresh.set(old as never);
  return fresh;
}
