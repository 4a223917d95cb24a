/**
 * Collision presence for the whole service: the two TTL buckets (`ticket-viewers`, whose max
 * age is the viewer expiry, and the claims), who may take part (staff who may see the ticket,
 * asked of the tickets service), and a {@link TicketWatch} per socket.
 * @module
 */
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import {
  type AskTicketAccess,
  ticketAccessAsker,
} from "@ticketd/shared/commands/ticket_command_client.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Principal } from "@ticketd/shared/http/auth.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { openTtlBucket } from "@ticketd/shared/runtime/ttl_bucket.ts";
import { AGENTS } from "../http/access.ts";
import { ClaimBook, CLAIMS_BUCKET } from "./claim_book.ts";
import { type CollisionSettings, PRESENCE_TOKEN } from "./collision.ts";

export const VIEWERS_BUCKET = "ticket-viewers";
const TICKET_ID = /^[1-9][0-9]{0,18}$/;

export interface CollisionDeskOptions {
  settings: CollisionSettings;
  /** How long the tickets service has to answer an access question. */
  accessTimeoutMs: number;
  log: Logger;
}

/** The buckets, the claims and the access check collision presence shares across sockets. */
export class CollisionDesk {
  readonly #askAccess: AskTicketAccess;

  private constructor(
    readonly nc: NatsConnection,
    readonly viewers: KV,
    readonly claims: ClaimBook,
    readonly options: CollisionDeskOptions,
  ) {
    this.#askAccess = ticketAccessAsker(nc, options.accessTimeoutMs);
  }

  static async open(nc: NatsConnection, options: CollisionDeskOptions): Promise<CollisionDesk> {
    const { settings, log } = options;
    const viewers = await openTtlBucket(nc, VIEWERS_BUCKET, settings.viewerMs);
    const claims = await openTtlBucket(nc, CLAIMS_BUCKET, settings.claimMs);
    return new CollisionDesk(
      nc,
      viewers,
      new ClaimBook(nc, claims, settings.claimMs, log),
      options,
    );
  }

  /**
   * Refuses anyone but an agent, supervisor or admin who may see the ticket: a customer is 403
   * `forbidden`, a ticket out of sight 404 `ticket_not_found` (as the tickets API answers).
   */
  async admit(principal: Principal, ticketId: string): Promise<void> {
    if (!AGENTS.includes(principal.role)) {
      fail("forbidden", `A ${principal.role} cannot see who works on a ticket`, 403);
    }
    if (!PRESENCE_TOKEN.test(principal.id) || !PRESENCE_TOKEN.test(principal.tenant)) {
      fail("forbidden", "This id cannot take part in ticket presence", 403);
    }
    if (!TICKET_ID.test(ticketId) || !(await this.#visible(principal, ticketId))) {
      fail("ticket_not_found", "No such ticket", 404);
    }
  }

  async #visible(principal: Principal, ticketId: string): Promise<boolean> {
    const reply = await this.#askAccess(principal.tenant, {
      ticketId,
      principal: { id: principal.id, role: principal.role, groups: principal.groups },
    });
    return reply.visible;
  }
}
