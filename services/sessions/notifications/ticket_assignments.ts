/**
 * Each ticket's assignee and group, as the feed needs them to address replies and SLA alarms.
 * Kept event-driven: filled from `TicketCreated`/`TicketAssigned` as commits go by, bounded
 * (least recently used forgotten), and for a ticket not seen since the feed started, read back
 * from the ticket's own subject with JetStream direct gets. The read model is never asked: it
 * lags the stream, and sessions owns no tables of tickets.
 * @module
 */
import { decodeCommit, ticketSubject } from "@ticketd/shared/events/tickets.ts";
import type { EventStore } from "@ticketd/shared/eventstore/port.ts";
import { BoundedMap } from "./bounded_map.ts";
import { evolveAssignment, type TicketAssignment } from "./notification_rules.ts";

/** Tickets whose assignment is remembered; beyond it the least recently used is read again. */
export const DEFAULT_ASSIGNMENT_CAPACITY = 100_000;

/** Known assignments by `<tenant>/<ticketId>`, with a fallback read of the ticket's history. */
export class TicketAssignments {
  readonly #known: BoundedMap<string, TicketAssignment | null>;
  /** History reads done so far (a figure for the logs and the tests). */
  lookups = 0;

  constructor(private readonly store: EventStore, capacity = DEFAULT_ASSIGNMENT_CAPACITY) {
    this.#known = new BoundedMap(capacity);
  }

  get size(): number {
    return this.#known.size;
  }

  /** Records the assignment as of the commit just folded. */
  remember(tenant: string, ticketId: string, assignment: TicketAssignment | null): void {
    this.#known.set(`${tenant}/${ticketId}`, assignment);
  }

  /**
   * The assignment before stream sequence `beforeSeq` (null: never assigned or no such ticket):
   * from memory, else folded from the ticket's messages below `beforeSeq`.
   */
  async before(
    tenant: string,
    ticketId: string,
    beforeSeq: number,
  ): Promise<TicketAssignment | null> {
    const key = `${tenant}/${ticketId}`;
    if (this.#known.has(key)) return this.#known.get(key)!;
    this.lookups++;
    let assignment: TicketAssignment | null = null;
    for (const message of await this.store.readSubject(ticketSubject(tenant, ticketId))) {
      if (message.version >= beforeSeq) break;
      for (const event of decodeCommit(message.data).events) {
        assignment = evolveAssignment(assignment, event);
      }
    }
    this.#known.set(key, assignment);
    return assignment;
  }
}
