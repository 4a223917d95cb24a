/**
 * A ticket's commits up to a stream position, read by direct gets on its subject: what outbound
 * folds to know the ticket as it was when a mail was asked for.
 * @module
 */
import type { EventStore } from "@ticketd/shared/eventstore/port.ts";
import { decodeCommit, type TicketCommit, ticketSubject } from "@ticketd/shared/events/tickets.ts";

export interface PositionedCommit {
  seq: number;
  commit: TicketCommit;
}

/** The ticket's commits stored at or before `seq`, oldest first. */
export async function historyUpTo(
  store: EventStore,
  tenant: string,
  ticketId: string,
  seq: number,
): Promise<PositionedCommit[]> {
  const stored = await store.readSubject(ticketSubject(tenant, ticketId));
  return stored.filter((m) => m.version <= seq).map((m) => ({
    seq: m.version,
    commit: decodeCommit(m.data),
  }));
}
