/**
 * Recently used ticket states with their versions, so a command usually decides without reading
 * the stream. A stale entry is harmless: the append's expected version catches it.
 * @module
 */
import type { Ticket } from "./domain/ticket.ts";

export interface VersionedTicket {
  state: Ticket;
  version: number;
}

/** A bounded least-recently-used map from subject to {@link VersionedTicket}. */
export class TicketStateCache {
  readonly #entries = new Map<string, VersionedTicket>();

  constructor(private readonly maxEntries: number) {}

  get(subject: string): VersionedTicket | undefined {
    const entry = this.#entries.get(subject);
    if (entry) {
      this.#entries.delete(subject);
      this.#entries.set(subject, entry);
    }
    return entry;
  }

  set(subject: string, entry: VersionedTicket): void {
    const current = this.#entries.get(subject);
    if (current && current.version > entry.version) return;
    this.#entries.delete(subject);
    this.#entries.set(subject, entry);
    if (this.#entries.size > this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  delete(subject: string): void {
    this.#entries.delete(subject);
  }
}
