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
import type { ExistingTicket } from "../domain/ticket.ts";

/** Subscribes the responder (queue group `tickets`); `drain()` stops it. */
export function respondToTicketAccess(
  nc: NatsConnection,
  loader: TicketLoader,
  log: Logger,
  /** How many merges `throughMerges` follows (`TICKETD_MAX_TICKET_CHAIN`). */
  maxChain: number,
): Subscription {
  return nc.subscribe(ALL_TICKET_ACCESS, {
    queue: "tickets",
    callback: (error, msg) => {
      if (error) return;
      answer(msg.subject, msg.data, loader, maxChain).then(
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
  maxChain: number,
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
  const { ticketId, principal, relayedBy, throughMerges } = parsed.data;
  if (relayedBy !== undefined && !mayRelay(relayedBy)) return { visible: false };
  const load = async (id: string) => (await loader.load(ticketSubject(tenant, id))).state;
  const state = await load(ticketId);
  if (state.status === "none") return { visible: false };
  if (!canSee(principal, state)) {
    if (!throughMerges) return { visible: false };
    // Seen where it went: the last ticket of its merges shows its messages and files.
    let into = state.pairs?.mergedInto?.targetId;
    for (let hops = 0; into && hops < maxChain; hops++) {
      const target = await load(into);
      if (target.status === "none") break;
      if (canSee(principal, target)) return visibleAs(state, false);
      into = target.pairs?.mergedInto?.targetId;
    }
    return { visible: false };
  }
  return visibleAs(state, state.status !== "closed" && allows(principal, "reply"));
}

function visibleAs(state: ExistingTicket, canAdd: boolean): TicketAccessReply {
  const merged = (state.pairs?.absorbed ?? []).flatMap((a) => a.tickets.map((t) => t.ticketId));
  return {
    visible: true,
    canAdd,
    requesterId: state.requesterId,
    status: state.status,
    ...(merged.length > 0 ? { merged } : {}),
  };
}
