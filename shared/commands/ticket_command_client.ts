/**
 * Asks the tickets service over NATS and waits for its answer (see `tickets.ts` beside this):
 * commands (decided, or refused as a value: callers such as routing drop a stale decision and
 * move on) and "may this person see the ticket" (the same rules as its HTTP API). Only a missing
 * responder or a timeout throws.
 * @module
 */
import type { NatsConnection } from "@nats-io/nats-core";
import {
  type TicketAccessReply,
  type TicketAccessRequest,
  ticketAccessSubject,
  type TicketCommandReply,
  type TicketCommandRequest,
  ticketCommandSubject,
} from "./tickets.ts";

export type SendTicketCommand = (
  tenant: string,
  request: TicketCommandRequest,
) => Promise<TicketCommandReply>;

export type AskTicketAccess = (
  tenant: string,
  request: TicketAccessRequest,
) => Promise<TicketAccessReply>;

/** A sender on `nc` that gives each request `timeoutMs` to be decided. */
export function ticketCommandSender(nc: NatsConnection, timeoutMs: number): SendTicketCommand {
  return tenantRequester(nc, ticketCommandSubject, timeoutMs);
}

/** Asks on `nc` whether a principal may see (and add to) a ticket, waiting up to `timeoutMs`. */
export function ticketAccessAsker(nc: NatsConnection, timeoutMs: number): AskTicketAccess {
  return tenantRequester(nc, ticketAccessSubject, timeoutMs);
}

function tenantRequester<Request, Reply>(
  nc: NatsConnection,
  subject: (tenant: string) => string,
  timeoutMs: number,
): (tenant: string, request: Request) => Promise<Reply> {
  return async (tenant, request) => {
    const reply = await nc.request(subject(tenant), JSON.stringify(request), {
      timeout: timeoutMs,
    });
    return reply.json<Reply>();
  };
}
