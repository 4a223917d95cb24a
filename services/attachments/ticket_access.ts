/**
 * Whether a person may see a ticket and add files to it, asked of the tickets service over NATS
 * (the same rules as its HTTP API). A ticket they may not see is `ticket_not_found`, like one
 * that does not exist.
 * @module
 */
import type { NatsConnection } from "@nats-io/nats-core";
import type { TicketAccessReply } from "@ticketd/shared/commands/tickets.ts";
import {
  type AskTicketAccess,
  ticketAccessAsker,
} from "@ticketd/shared/commands/ticket_command_client.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";

export interface TicketGrant {
  tenant: string;
  ticketId: string;
  requesterId: string;
}

export class TicketAccess {
  readonly #askTickets: AskTicketAccess;

  constructor(nc: NatsConnection, timeoutMs: number) {
    this.#askTickets = ticketAccessAsker(nc, timeoutMs);
  }

  /**
   * The ticket, if `principal` may add a file to it; else a 404 or 403 DomainError. With
   * `relayedBy`, the service relaying for `principal` must be allowed to (else 404).
   */
  async toAdd(principal: Principal, ticketId: string, relayedBy?: string): Promise<TicketGrant> {
    const reply = await this.#ask(principal, ticketId, relayedBy);
    if (!reply.visible) fail("ticket_not_found", "No such ticket", 404);
    if (!reply.canAdd) {
      const why = reply.status === "closed" ? "it is closed" : "your role may not add to it";
      fail(
        reply.status === "closed" ? "ticket_closed" : "forbidden",
        `Cannot attach to this ticket: ${why}`,
        reply.status === "closed" ? 409 : 403,
      );
    }
    return { tenant: principal.tenant, ticketId, requesterId: reply.requesterId };
  }

  /**
   * True when `principal` may read the ticket's files: they see the ticket, or one it was merged
   * into (which lists its files).
   */
  async canRead(principal: Principal, ticketId: string): Promise<boolean> {
    return (await this.#ask(principal, ticketId, undefined, true)).visible;
  }

  /**
   * The tickets whose files `ticketId` lists, itself first, then those merged into it; null when
   * `principal` may not see it.
   */
  async listedOn(principal: Principal, ticketId: string): Promise<string[] | null> {
    const reply = await this.#ask(principal, ticketId);
    return reply.visible ? [ticketId, ...(reply.merged ?? [])] : null;
  }

  #ask(
    principal: Principal,
    ticketId: string,
    relayedBy?: string,
    throughMerges?: boolean,
  ): Promise<TicketAccessReply> {
    if (!/^[1-9][0-9]{0,18}$/.test(ticketId)) return Promise.resolve({ visible: false });
    return this.#askTickets(principal.tenant, {
      ticketId,
      principal: { id: principal.id, role: principal.role, groups: principal.groups },
      relayedBy,
      throughMerges,
    });
  }
}
