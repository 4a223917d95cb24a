/**
 * Answers other services' "may this person see this ticket, and add to it?" over NATS
 * (`shared/commands/tickets.ts`), with the same rules as the HTTP API (`domain/permissions.ts`).
 * @module
 */
import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import {
  ALL_TICKET_ACCESS,
  type TicketAccessReply,
  ticketAccessRequestSchema,
} from "@ticketd/shared/commands/tickets.ts";
import { ticketSubject } from "@ticketd/shared/events/tickets.ts";
import { TENANT } from "@ticketd/shared/http/auth.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { allows, canSee, mayRelay } from "../domain/permissions.ts";
import type { TicketLoader } from "../ticket_loader.ts";

/** Subscribes the responder (queue group `tickets`); `drain()` stops it. */
export function respondToTicketAccess(
  nc: NatsConnection,
  loader: TicketLoader,
  log: Logger,
): Subscription {
  return nc.subscribe(ALL_TICKET_ACCESS, {
    queue: "tickets",
    callback: (error, msg) => {
      if (error) return;
      answer(msg.subject, msg.data, loader).then(
        (reply) => msg.respond(JSON.stringify(reply)),
        (failure) => {
          log.error("ticket access check failed", { error: String(failure) });
          msg.respond(JSON.stringify({ visible: false }));
        },
      );
    },
  });
}

async function answer(
  subject: string,
  data: Uint8Array,
  loader: TicketLoader,
): Promise<TicketAccessReply> {
  const tenant = subject.slice(subject.lastIndexOf(".") + 1);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return { visible: false };
  }
  const parsed = ticketAccessRequestSchema.safeParse(raw);
  if (!TENANT.test(tenant) || !parsed.success) return { visible: false };
  const { ticketId, principal, relayedBy } = parsed.data;
  if (relayedBy !== undefined && !mayRelay(relayedBy)) return { visible: false };
  const { state } = await loader.load(ticketSubject(tenant, ticketId));
  if (state.status === "none" || !canSee(principal, state)) return { visible: false };
  return {
    visible: true,
    canAdd: state.status !== "closed" && allows(principal, "reply"),
    requesterId: state.requesterId,
    status: state.status,
  };
}
