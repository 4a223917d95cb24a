/**
 * Sends ticket commands over NATS and waits for the decision (see `tickets.ts` beside this).
 * A refusal comes back as a value, not an exception: callers such as routing drop a stale
 * decision and move on. Only a missing responder or a timeout throws.
 * @module
 */
import type { NatsConnection } from "@nats-io/nats-core";
import {
  type TicketCommandReply,
  type TicketCommandRequest,
  ticketCommandSubject,
} from "./tickets.ts";

export type SendTicketCommand = (
  tenant: string,
  request: TicketCommandRequest,
) => Promise<TicketCommandReply>;

/** A sender on `nc` that gives each request `timeoutMs` to be decided. */
export function ticketCommandSender(nc: NatsConnection, timeoutMs: number): SendTicketCommand {
  return async (tenant, request) => {
    const reply = await nc.request(ticketCommandSubject(tenant), JSON.stringify(request), {
      timeout: timeoutMs,
    });
    return reply.json<TicketCommandReply>();
  };
}
