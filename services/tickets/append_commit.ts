/**
 * Appends one decision as one commit message and turns the store's answer into a result. The
 * message id comes from the client's idempotency key (keyed-hashed with tenant and actor) or,
 * without one, from the command id; a keyed fingerprint of the request catches a key reused for a
 * different request.
 * @module
 */
import type { TenantKeyedHash } from "@ticketd/shared/crypto/keyed_hash.ts";
import {
  type CommitSource,
  encodeCommit,
  type TicketEvent,
} from "@ticketd/shared/events/tickets.ts";
import { ConcurrencyError, fail } from "@ticketd/shared/errors.ts";
import type { EventStore } from "@ticketd/shared/eventstore/port.ts";
import type { Actor } from "./domain/commands.ts";
import { evolve } from "./domain/ticket.ts";
import type { VersionedTicket } from "./state_cache.ts";
import type { TicketLoader } from "./ticket_loader.ts";
import type { CommandResult } from "./command_handler.ts";

const FINGERPRINT_HEADER = "Ticketd-Request-Fingerprint";

export interface CommitRequest {
  subject: string;
  tenant: string;
  ticketId: string;
  actor: Actor;
  commandId: string;
  at: string;
  /** The plaintext request, only ever hashed. */
  request: unknown;
  idempotencyKey?: string;
  source?: CommitSource;
  /** The service that relayed the actor's words, if any. */
  relayedBy?: string;
}

interface AppendDeps {
  store: EventStore;
  loader: TicketLoader;
  /** Keyed hashes in the tenant's profile, for request fingerprints and message ids. */
  keyedHash: TenantKeyedHash;
}

/** Appends `events` decided against `current`; no events means a no-op answered as is. */
export async function appendCommit(
  deps: AppendDeps,
  commit: CommitRequest,
  current: VersionedTicket,
  events: TicketEvent[],
): Promise<CommandResult> {
  const { subject, ticketId } = commit;
  if (events.length === 0) return commandResult(ticketId, current, [], false);
  const { appended, fingerprint } = await append(deps, commit, current.version, events);
  if (appended.duplicate) return await original(deps, appended.version, fingerprint ?? "");
  const next = { state: events.reduce(evolve, current.state), version: appended.version };
  deps.loader.remember(subject, next);
  return commandResult(ticketId, next, events, false);
}

/**
 * A request with an idempotency key whose `If-Match` is stale may be the retry of one that
 * already landed: then it gets the original answer. The probe appends nothing: JetStream checks
 * the message id first, and otherwise refuses the stale expected version.
 */
export async function retriedOrConflict(
  deps: AppendDeps,
  commit: CommitRequest,
  ifMatch: number,
): Promise<CommandResult> {
  const { appended, fingerprint } = await append(deps, commit, ifMatch, []);
  if (!appended.duplicate) throw new ConcurrencyError(ifMatch, appended.version);
  return await original(deps, appended.version, fingerprint ?? "");
}

async function append(
  deps: AppendDeps,
  commit: CommitRequest,
  expectedVersion: number,
  events: TicketEvent[],
) {
  const { subject, tenant, ticketId, actor, commandId, at } = commit;
  // Without an idempotency key the message id is a fresh command id that can never repeat, so
  // neither the keyed message id nor the request fingerprint is needed.
  const fingerprint = commit.idempotencyKey === undefined
    ? undefined
    : deps.keyedHash(tenant, "request", JSON.stringify(commit.request));
  // A relay's keys are the service's, not the customer's own (which they may reuse over HTTP).
  const keyOwner = commit.relayedBy ? `${commit.relayedBy}>${actor.id}` : actor.id;
  const messageId = commit.idempotencyKey === undefined
    ? commandId
    : deps.keyedHash(tenant, "idempotency", tenant, keyOwner, commit.idempotencyKey);
  const data = encodeCommit({
    meta: {
      commandId,
      tenant,
      ticketId,
      at,
      actorId: actor.id,
      actorRole: actor.role,
      ...sourceMeta(commit.source),
      ...(commit.relayedBy ? { relayedBy: commit.relayedBy } : {}),
    },
    events,
  });
  const appended = await deps.store.append(subject, data, {
    expectedVersion,
    messageId,
    headers: fingerprint ? { [FINGERPRINT_HEADER]: fingerprint } : {},
  });
  return { appended, fingerprint };
}

/** The source fields a commit carries: only those known (old commits have none). */
function sourceMeta(source: CommitSource | undefined): { ip?: string; requestId?: string } {
  if (!source) return {};
  const known: { ip?: string; requestId?: string } = {};
  if (source.ip !== null) known.ip = source.ip;
  if (source.requestId !== null) known.requestId = source.requestId;
  return known;
}

/** The result of the earlier request that used the same idempotency key. */
async function original(deps: AppendDeps, version: number, fingerprint: string) {
  const stored = await deps.store.readAt(version);
  if (!stored) fail("idempotency_unavailable", "The original request is no longer stored", 409);
  if (stored.headers[FINGERPRINT_HEADER] !== fingerprint) {
    fail(
      "idempotency_key_reused",
      "This Idempotency-Key was already used for a different request",
      422,
    );
  }
  const ticketId = stored.subject.slice(stored.subject.lastIndexOf(".") + 1);
  const then = await deps.loader.at(stored.subject, version);
  return commandResult(ticketId, then, [], true);
}

/** The answer to a command: the ticket as of `current`. */
export function commandResult(
  ticketId: string,
  current: VersionedTicket,
  events: TicketEvent[],
  duplicate: boolean,
): CommandResult {
  if (current.state.status === "none") fail("ticket_not_found", "No such ticket", 404);
  return { ticketId, version: current.version, ticket: current.state, events, duplicate };
}
