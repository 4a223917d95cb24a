/**
 * A ticket's full history, read from its events in the stream rather than the read model, with
 * text opened for the caller. What each role sees is decided in `domain/permissions.ts`.
 * @module
 */
import type { Envelope, OpenScope } from "@ticketd/shared/crypto/envelope.ts";
import { decodeCommit, type TicketEvent, ticketSubject } from "@ticketd/shared/events/tickets.ts";
import type { EventStore } from "@ticketd/shared/eventstore/port.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import { authorise, canSee, historyShows } from "../domain/permissions.ts";
import { evolve, noTicket } from "../domain/ticket.ts";

interface HistoryDeps {
  store: EventStore;
  envelope: Envelope;
}

/** Every commit on the ticket, oldest first, as the principal may see it. */
export async function ticketHistory(deps: HistoryDeps, principal: Principal, ticketId: string) {
  const messages = await deps.store.readSubject(ticketSubject(principal.tenant, ticketId));
  const commits = messages.map((m) => ({ version: m.version, ...decodeCommit(m.data) }));
  authorise(principal, "read_history");
  // Visibility follows the ticket as it is now (its group may have changed since).
  const state = commits.flatMap((c) => c.events).reduce(evolve, noTicket);
  if (state.status === "none" || !canSee(principal, state)) {
    fail("ticket_not_found", `No ticket with id "${ticketId}"`, 404);
  }
  const scope = { tenant: principal.tenant, ticketId };
  const entries = await Promise.all(commits.map(async ({ version, meta, events }) => ({
    version,
    at: meta.at,
    // A customer's words relayed by a channel (mail) say which service carried them.
    actor: {
      id: meta.actorId,
      role: meta.actorRole,
      ...(meta.relayedBy ? { relayedBy: meta.relayedBy } : {}),
    },
    events: await Promise.all(
      events.filter((e) => historyShows(principal, e))
        .map((e) => openEvent(deps.envelope, e, scope)),
    ),
  })));
  return {
    ticketId,
    version: commits.at(-1)!.version,
    entries: entries.filter((entry) => entry.events.length > 0),
  };
}

async function openEvent(envelope: Envelope, event: TicketEvent, scope: OpenScope) {
  switch (event.type) {
    case "TicketCreated":
      return {
        type: event.type,
        ...event.data,
        subject: await envelope.openUnlessErased(event.data.subject, scope),
      };
    case "MessagePosted":
      return {
        type: event.type,
        ...event.data,
        body: await envelope.openUnlessErased(event.data.body, scope),
      };
    case "AttachmentAdded":
      return {
        type: event.type,
        ...event.data,
        fileName: await envelope.openUnlessErased(event.data.fileName, scope),
      };
    case "TimeLogged":
      return {
        type: event.type,
        ...event.data,
        note: event.data.note === null
          ? null
          : await envelope.openUnlessErased(event.data.note, scope),
      };
    case "SatisfactionRated":
      return {
        type: event.type,
        ...event.data,
        comment: event.data.comment === null
          ? null
          : await envelope.openUnlessErased(event.data.comment, scope),
      };
    default:
      return { type: event.type, ...event.data };
  }
}
