/**
 * Ticket ids (decimal strings) interned to dense document numbers, kept in typed arrays: the id
 * as a 64-bit integer per document and a linear-probing table from id to document, so a million
 * ids cost ~24 bytes each rather than a string and a map entry.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";

const EMPTY = -1;
const CANONICAL_DECIMAL = /^(0|[1-9][0-9]{0,19})$/;
const MAX_ID = (1n << 64n) - 1n;

/** The 64-bit value of a ticket id; refuses anything but a canonical decimal below 2^64. */
export function ticketIdValue(ticketId: string): bigint {
  const value = CANONICAL_DECIMAL.test(ticketId) ? BigInt(ticketId) : -1n;
  if (value < 0n || value > MAX_ID) {
    fail("invalid_ticket_id", `Ticket id "${ticketId}" is not a decimal id below 2^64`);
  }
  return value;
}

/** Ticket id <-> document number; numbers are handed out by the caller (see `set`). */
export class IdTable {
  #idOf = new BigUint64Array(0);
  #slots = new Int32Array(16).fill(EMPTY);
  #count = 0;

  get size(): number {
    return this.#count;
  }

  /** The document of `id`, or -1. */
  get(id: bigint): number {
    const mask = this.#slots.length - 1;
    for (let slot = slotOf(id, mask);; slot = (slot + 1) & mask) {
      const doc = this.#slots[slot];
      if (doc === EMPTY || this.#idOf[doc] === id) return doc;
    }
  }

  /** The ticket id of `doc` (a document in the table). */
  idOf(doc: number): string {
    return this.#idOf[doc].toString();
  }

  /** Records `id` as document `doc`; `id` must not be in the table. */
  set(id: bigint, doc: number): void {
    if ((this.#count + 1) * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
    if (doc >= this.#idOf.length) {
      const bigger = new BigUint64Array(Math.max(16, this.#idOf.length * 2, doc + 1));
      bigger.set(this.#idOf);
      this.#idOf = bigger;
    }
    this.#idOf[doc] = id;
    this.#insert(doc);
    this.#count++;
  }

  /** Forgets `id` (backward-shift deletion: no tombstones left behind). */
  delete(id: bigint): void {
    const mask = this.#slots.length - 1;
    let hole = slotOf(id, mask);
    while (this.#slots[hole] !== EMPTY && this.#idOf[this.#slots[hole]] !== id) {
      hole = (hole + 1) & mask;
    }
    if (this.#slots[hole] === EMPTY) return;
    this.#idOf[this.#slots[hole]] = 0n;
    for (let next = (hole + 1) & mask; this.#slots[next] !== EMPTY; next = (next + 1) & mask) {
      const home = slotOf(this.#idOf[this.#slots[next]], mask);
      // Move `next` into the hole unless its home lies cyclically in (hole, next].
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        this.#slots[hole] = this.#slots[next];
        hole = next;
      }
    }
    this.#slots[hole] = EMPTY;
    this.#count--;
  }

  bytes(): number {
    return this.#idOf.byteLength + this.#slots.byteLength;
  }

  #insert(doc: number): void {
    const mask = this.#slots.length - 1;
    let slot = slotOf(this.#idOf[doc], mask);
    while (this.#slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.#slots[slot] = doc;
  }

  #rehash(size: number): void {
    const old = this.#slots;
    this.#slots = new Int32Array(size).fill(EMPTY);
    for (const doc of old) if (doc !== EMPTY) this.#insert(doc);
  }
}

function slotOf(id: bigint, mask: number): number {
  const low = Number(id & 0xffffffffn), high = Number(id >> 32n);
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35);
  return (h ^ (h >>> 13)) & mask;
}
