/**
 * Lets go of a ticket's claim when the ticket is assigned, solved or closed: the claim was for
 * the work in between. Follows `TICKETS` from now on (one per deployment: it runs under the
 * notification feed's lease); a claim already expired or absent costs one KV read.
 * @module
 */
import { jetstream, jetstreamManager, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { decodeCommit, type TicketEvent } from "@ticketd/shared/events/tickets.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { followNewMessages, type StreamFollower } from "../notifications/stream_follower.ts";
import type { ClaimBook } from "./claim_book.ts";

/** True for the events that end a claim. */
export function endsClaim(event: TicketEvent): boolean {
  return event.type === "TicketAssigned" ||
    (event.type === "TicketStatusChanged" &&
      (event.data.to === "solved" || event.data.to === "closed"));
}

/** Starts releasing claims; `stop()` ends it. */
export async function releaseClaimsOnChange(
  nc: NatsConnection,
  claims: ClaimBook,
  log: Logger,
  ticketStream = "TICKETS",
): Promise<StreamFollower> {
  const onCommit = async (msg: JsMsg) => {
    let commit;
    try {
      commit = decodeCommit(msg.data);
    } catch {
      return; // the notification feed logs what it cannot decode
    }
    if (!commit.events.some(endsClaim)) return;
    const { tenant, ticketId } = commit.meta;
    await claims.release(tenant, ticketId, null).catch((error) =>
      log.warn("claim not released", { ticketId, error: String(error) })
    );
  };
  return await followNewMessages(
    jetstream(nc),
    await jetstreamManager(nc),
    ticketStream,
    onCommit,
    log,
  );
}
