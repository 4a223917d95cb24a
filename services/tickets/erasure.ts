/**
 * Erasing a customer (a GDPR-style request) by crypto-shredding: their data keys are destroyed,
 * so everything said on their tickets is unreadable everywhere (the stream, its replicas and
 * backups, the read model), while ticket metadata stays. Each of their tickets then records a
 * `TicketContentErased` event: the erasure is part of the audited history, and the read model
 * drops the tickets' search tokens.
 * @module
 */
import type { DataKeys } from "@ticketd/shared/keys/data_keys.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { Sql } from "postgres";
import type { TicketCommands } from "./command_handler.ts";
import type { Actor } from "./domain/commands.ts";
import { authorise } from "./domain/permissions.ts";

export interface ErasureDeps {
  commands: TicketCommands;
  dataKeys: DataKeys;
  sql: Sql;
  /** Resolves true once the read model holds every commit made so far. */
  caughtUp: () => Promise<boolean>;
  nextId: () => string;
  log: Logger;
}

export interface ErasureReport {
  erasureId: string;
  keysDestroyed: number;
  ticketsMarked: number;
}

/** Erases `customerId` of `tenant`; safe to repeat (a repeat destroys any newer keys too). */
export async function eraseCustomer(
  deps: ErasureDeps,
  tenant: string,
  actor: Actor,
  customerId: string,
): Promise<ErasureReport> {
  authorise(actor, "erase_customer");
  const erasureId = deps.nextId();
  const before = await ticketsOf(deps, tenant, customerId);
  const keysDestroyed = await deps.dataKeys.erase(tenant, customerId);
  // A ticket created while the keys were being destroyed is found by the second look.
  const after = await ticketsOf(deps, tenant, customerId);
  const tickets = [...new Set([...before, ...after])];
  for (const ticketId of tickets) {
    await deps.commands.change(tenant, ticketId, actor, { type: "EraseContent", erasureId }, {
      idempotencyKey: `erasure-${erasureId}-${ticketId}`,
    });
  }
  deps.log.info("customer erased", { erasureId, keysDestroyed, tickets: tickets.length });
  return { erasureId, keysDestroyed, ticketsMarked: tickets.length };
}

async function ticketsOf(deps: ErasureDeps, tenant: string, customerId: string) {
  if (!await deps.caughtUp()) {
    fail("projection_behind", "The read model is behind; try the erasure again shortly", 503);
  }
  const rows = await deps.sql<{ id: string }[]>`
    select id::text from tickets where tenant = ${tenant} and requester_id = ${customerId}`;
  return rows.map((row) => row.id);
}
