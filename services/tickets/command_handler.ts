/**
 * The one write path: load state, decide, append with the expected version and a message id,
 * and on a lost race re-decide against the new state. Text is sealed here, before the decider.
 * @module
 */
import {
  type CommitSource,
  type TicketEvent,
  ticketSubject,
} from "@ticketd/shared/events/tickets.ts";
import { ConcurrencyError, fail } from "@ticketd/shared/errors.ts";
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import type { TenantKeyedHash } from "@ticketd/shared/crypto/keyed_hash.ts";
import type { EventStore } from "@ticketd/shared/eventstore/port.ts";
import type { ExternalRefs } from "./adapters/external_refs.ts";
import type { TicketNumbers } from "./adapters/ticket_numbers.ts";
import type { Actor, CreateTicket, TicketCommand, TicketPolicy } from "./domain/commands.ts";
import { decideAll } from "./domain/decide.ts";
import { canSee, maySetExternalId } from "./domain/permissions.ts";
import { type ExistingTicket, noTicket, type Ticket } from "./domain/ticket.ts";
import {
  appendCommit,
  commandResult,
  type CommitRequest,
  retriedOrConflict,
} from "./append_commit.ts";
import type { TicketLoader } from "./ticket_loader.ts";
import type { VersionedTicket } from "./state_cache.ts";
import { KeyedQueue } from "@ticketd/shared/runtime/keyed_queue.ts";
import { asStoreUnavailable } from "@ticketd/shared/runtime/nats_unavailable.ts";

export interface TicketCommandsDeps {
  store: EventStore;
  loader: TicketLoader;
  envelope: Envelope;
  nextId: () => string;
  numbers: TicketNumbers;
  refs: ExternalRefs;
  now: () => Date;
  policy: TicketPolicy;
  keyedHash: TenantKeyedHash;
  maxAttempts: number;
}

export interface CommandOptions {
  /** The version the client last saw; a stale one fails with `version_conflict` (412). */
  ifMatch?: number;
  idempotencyKey?: string;
  /** Where the request came from, kept in the commit's meta (`ip`, `requestId`). */
  source?: CommitSource;
  /** The service relaying the actor's words (`svc:email`), kept in the commit's meta. */
  relayedBy?: string;
}

export interface CommandResult {
  ticketId: string;
  version: number;
  ticket: ExistingTicket;
  events: TicketEvent[];
  /** True when an earlier request with the same idempotency key or external id is answered. */
  duplicate: boolean;
}

/** What a client asks to create, in plaintext. */
export type CreateRequest =
  & Omit<CreateTicket, "type" | "ticketId" | "number" | "messageId">
  & { createdAt?: Date };

/** A change to an existing ticket, in plaintext (a message body is sealed before deciding). */
export type ChangeRequest = Exclude<TicketCommand, CreateTicket> extends infer C
  ? C extends { type: "PostMessage" } ? Omit<C, "messageId">
  : C extends { type: "LogTime" } ? Omit<C, "entryId">
  : C
  : never;

export class TicketCommands {
  readonly #queue = new KeyedQueue();

  constructor(private readonly deps: TicketCommandsDeps) {}

  /** Opens a ticket; a repeat with the same idempotency key or external id returns the first. */
  create(
    tenant: string,
    actor: Actor,
    request: CreateRequest,
    options: CommandOptions = {},
  ): Promise<CommandResult> {
    return storeErrors(this.#create(tenant, actor, request, options));
  }

  async #create(
    tenant: string,
    actor: Actor,
    request: CreateRequest,
    options: CommandOptions,
  ): Promise<CommandResult> {
    const { deps } = this;
    let ticketId = deps.nextId();
    // Who may not set external ids (the decider refuses them) is never answered with a claim.
    if (request.externalId && maySetExternalId(actor)) {
      const claimed = await deps.refs.claim(tenant, request.externalId, ticketId);
      const existing = await deps.loader.load(ticketSubject(tenant, claimed));
      if (existing.state.status !== "none") {
        if (!canSee(actor, existing.state)) {
          fail("external_id_taken", `External id "${request.externalId}" is already in use`, 409);
        }
        return answered(claimed, existing);
      }
      ticketId = claimed; // claimed by an attempt that crashed before appending: finish it
    }
    if (request.followUpOf) await this.#checkFollowUp(tenant, actor, request.followUpOf);
    // Everything said on a ticket is sealed with its requester's key: erasing them shreds it all.
    const scope = { tenant, ticketId, ownerId: request.requesterId };
    const { createdAt, ...fields } = request;
    const [subject, body, number] = await Promise.all([
      deps.envelope.seal(request.subject, scope),
      deps.envelope.seal(request.body, scope),
      deps.numbers.next(tenant),
    ]);
    const command: CreateTicket = {
      ...fields,
      type: "CreateTicket",
      ticketId,
      number,
      messageId: deps.nextId(),
      subject,
      body,
    };
    return await this.#run(tenant, ticketId, actor, [command], request, options, createdAt);
  }

  /** A follow-up must cite a ticket that exists and that the actor may see. */
  async #checkFollowUp(tenant: string, actor: Actor, followUpOf: string): Promise<void> {
    const { state } = await this.deps.loader.load(ticketSubject(tenant, followUpOf));
    const visible = state.status !== "none" && canSee(actor, state);
    if (!visible) {
      fail("invalid_follow_up", `followUpOf names no ticket you can see: "${followUpOf}"`, 422);
    }
  }

  /** Applies a change to an existing ticket. */
  change(
    tenant: string,
    ticketId: string,
    actor: Actor,
    request: ChangeRequest,
    options: CommandOptions = {},
  ): Promise<CommandResult> {
    return storeErrors((async () => {
      const command = await this.#prepare(tenant, ticketId, request);
      // The ticket is part of what an Idempotency-Key covers: reused on another ticket it is 422.
      return await this.#run(tenant, ticketId, actor, [command], { ticketId, request }, options);
    })());
  }

  /** Applies several changes as one commit: all of them, or none. */
  changeAll(
    tenant: string,
    ticketId: string,
    actor: Actor,
    requests: readonly ChangeRequest[],
    options: CommandOptions = {},
  ): Promise<CommandResult> {
    return storeErrors((async () => {
      const commands: TicketCommand[] = [];
      for (const request of requests) commands.push(await this.#prepare(tenant, ticketId, request));
      return await this.#run(tenant, ticketId, actor, commands, { ticketId, requests }, options);
    })());
  }

  async #prepare(tenant: string, ticketId: string, request: ChangeRequest): Promise<TicketCommand> {
    if (request.type === "AddAttachment") {
      const fileName = await this.#sealForTicket(tenant, ticketId, request.fileName);
      return { ...request, fileName };
    }
    if (request.type === "LogTime") {
      const note = request.note === null
        ? null
        : await this.#sealForTicket(tenant, ticketId, request.note);
      return { ...request, entryId: this.deps.nextId(), note };
    }
    if (request.type === "RateSatisfaction" && request.comment !== null) {
      // A survey comment is ticket content: sealed like a body.
      return { ...request, comment: await this.#sealForTicket(tenant, ticketId, request.comment) };
    }
    if (request.type !== "PostMessage") return request;
    const body = await this.#sealForTicket(tenant, ticketId, request.body);
    return { ...request, messageId: this.deps.nextId(), body };
  }

  /** Seals a message with the key of the ticket's requester (a missing ticket fails later). */
  async #sealForTicket(tenant: string, ticketId: string, text: string): Promise<string> {
    const { state } = await this.deps.loader.load(ticketSubject(tenant, ticketId));
    const ownerId = state.status === "none" ? "" : state.requesterId;
    if (!ownerId) fail("ticket_not_found", "No such ticket", 404);
    return await this.deps.envelope.seal(text, { tenant, ticketId, ownerId });
  }

  /**
   * Appends what `decision` makes of the ticket's current state, deciding again on a lost race:
   * the steps of two-ticket operations (`pairs/pair_runner.ts`) go through the same write path.
   */
  decideWith(
    tenant: string,
    ticketId: string,
    actor: Actor,
    decision: Decision,
    request: unknown,
    options: CommandOptions = {},
  ): Promise<CommandResult> {
    return storeErrors(this.#run(tenant, ticketId, actor, decision, request, options));
  }

  #run(
    tenant: string,
    ticketId: string,
    actor: Actor,
    commands: TicketCommand[] | Decision,
    request: unknown,
    options: CommandOptions,
    at?: Date,
  ): Promise<CommandResult> {
    const commit: CommitRequest = {
      subject: ticketSubject(tenant, ticketId),
      tenant,
      ticketId,
      actor,
      commandId: this.deps.nextId(),
      at: (at ?? this.deps.now()).toISOString(),
      request,
      idempotencyKey: options.idempotencyKey,
      source: options.source,
      relayedBy: options.relayedBy,
    };
    const decision = typeof commands === "function"
      ? commands
      : (state: Ticket) => decideAll(commands, state, actor, this.deps.policy);
    const create = typeof commands === "function" ? undefined : createIn(commands);
    return this.#queue.run(
      commit.subject,
      () => this.#decideAndAppend(commit, decision, create, options),
    );
  }

  async #decideAndAppend(
    commit: CommitRequest,
    decision: Decision,
    create: CreateTicket | undefined,
    { ifMatch }: CommandOptions,
  ): Promise<CommandResult> {
    const { deps } = this;
    const { subject, ticketId, actor } = commit;
    // A create appends to a subject named by a fresh id (or a just-claimed external id): it is
    // empty unless a racer got there first, which the expected version 0 catches.
    let current = create ? { state: noTicket, version: 0 } : await deps.loader.load(subject);
    for (let attempt = 1;; attempt++) {
      if (ifMatch !== undefined && ifMatch !== current.version) {
        current = await deps.loader.catchUp(subject, current);
        if (ifMatch !== current.version) {
          if (commit.idempotencyKey) return await retriedOrConflict(deps, commit, ifMatch);
          throw new ConcurrencyError(ifMatch, current.version);
        }
      }
      const events = decision(current.state);
      try {
        return await appendCommit(deps, commit, current, events);
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        if (attempt >= deps.maxAttempts) {
          fail("too_much_contention", `Ticket "${ticketId}" is changing too fast; retry`, 409);
        }
        current = await deps.loader.catchUp(subject, current);
        // A create can only lose to another create of the same external id: answer with it.
        if (create) return visibleAnswer(actor, create, current);
      }
    }
  }
}

/** The events a command makes of a ticket's state (or a `DomainError`). */
export type Decision = (state: Ticket) => TicketEvent[];

function createIn(commands: TicketCommand[]): CreateTicket | undefined {
  return commands[0].type === "CreateTicket" ? commands[0] : undefined;
}

/** NATS failures of any dependency (stream, ticket numbers, external ids, data keys) leave as the
 * retryable `store_unavailable`. */
function storeErrors<T>(work: Promise<T>): Promise<T> {
  return work.catch((error) => {
    throw asStoreUnavailable(error);
  });
}

/** The racer's ticket, unless the actor may not see it: then only that the id is taken. */
function visibleAnswer(actor: Actor, c: CreateTicket, current: VersionedTicket): CommandResult {
  if (current.state.status !== "none" && !canSee(actor, current.state)) {
    fail("external_id_taken", `External id "${c.externalId}" is already in use`, 409);
  }
  return answered(c.ticketId, current);
}

function answered(ticketId: string, current: VersionedTicket): CommandResult {
  return commandResult(ticketId, current, [], true);
}
