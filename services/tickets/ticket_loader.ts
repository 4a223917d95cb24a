/**
 * Reads a ticket's state from its subject, through the cache: a cached state is caught up with
 * only the messages after its version.
 * @module
 */
import { decodeCommit } from "@ticketd/shared/events/tickets.ts";
import type { EventStore } from "@ticketd/shared/eventstore/port.ts";
import { evolve, noTicket } from "./domain/ticket.ts";
import type { TicketStateCache, VersionedTicket } from "./state_cache.ts";

export class TicketLoader {
  constructor(private readonly store: EventStore, private readonly cache: TicketStateCache) {}

  /** The cached state of `subject`, or its state read from the stream. */
  async load(subject: string): Promise<VersionedTicket> {
    return this.cache.get(subject) ?? await this.catchUp(subject, { state: noTicket, version: 0 });
  }

  /** `from` advanced by every message on `subject` after its version. */
  async catchUp(subject: string, from: VersionedTicket): Promise<VersionedTicket> {
    let { state, version } = from;
    for (const message of await this.store.readSubject(subject, version)) {
      state = decodeCommit(message.data).events.reduce(evolve, state);
      version = message.version;
    }
    const current = { state, version };
    this.cache.set(subject, current);
    return current;
  }

  /** The state of `subject` as of `version` exactly (for replaying a duplicate's result). */
  async at(subject: string, version: number): Promise<VersionedTicket> {
    let state = noTicket as VersionedTicket["state"];
    for (const message of await this.store.readSubject(subject)) {
      if (message.version > version) break;
      state = decodeCommit(message.data).events.reduce(evolve, state);
    }
    return { state, version };
  }

  remember(subject: string, entry: VersionedTicket): void {
    this.cache.set(subject, entry);
  }

  forget(subject: string): void {
    this.cache.delete(subject);
  }
}
