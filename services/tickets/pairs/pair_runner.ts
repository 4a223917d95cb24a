/**
 * Runs two-ticket operations (merge, split, link and their undos) as the steps of `domain/pairs.ts`,
 * each a conditional append through the one write path: reserve the lower id, then the higher,
 * commit on the source, finish on the target. A reservation older than the timeout is recovered
 * (completed if the source committed, else rolled back) by the next operation that meets it or
 * by the sweeper. Why: docs/merge-split-links.md.
 * @module
 */
import {
  decodeCommit,
  type LinkKind,
  type TicketEvent,
  ticketSubject,
} from "@ticketd/shared/events/tickets.ts";
import { ConcurrencyError, DomainError, fail } from "@ticketd/shared/errors.ts";
import type { EventStore } from "@ticketd/shared/eventstore/port.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type {
  CommandOptions,
  CommandResult,
  Decision,
  TicketCommands,
} from "../command_handler.ts";
import type { Actor, TicketPolicy } from "../domain/commands.ts";
import {
  closeSplit,
  commit,
  finish,
  type PairSpec,
  parentOf,
  release,
  reserve,
  type Side,
} from "../domain/pairs.ts";
import { canSee } from "../domain/permissions.ts";
import { evolve, type ExistingTicket, noTicket, type Ticket } from "../domain/ticket.ts";
import type { TicketLoader } from "../ticket_loader.ts";
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import type { TicketNumbers } from "../adapters/ticket_numbers.ts";
import { splitMessages, splitTicketEvents } from "../domain/split.ts";

export interface PairSettings {
  /** A reservation older than this is taken for a crashed operation and recovered. */
  reservationMs: number;
  /** How many merges a merge target is followed through, and how deep a parent chain may be. */
  maxChain: number;
}

export interface PairRunnerDeps {
  commands: TicketCommands;
  /** A split copies text into a new ticket: opened here, sealed again for it. */
  envelope: Envelope;
  numbers: TicketNumbers;
  loader: TicketLoader;
  store: EventStore;
  policy: TicketPolicy;
  nextId: () => string;
  now: () => Date;
  settings: PairSettings;
  log: Logger;
}

/** Both tickets after the operation. */
export interface PairResult {
  source: CommandResult;
  target: CommandResult;
}

/**
 * The request an operation answers: what it asked (a retry with the same `Idempotency-Key` must
 * ask the same) and its `If-Match`, key and source.
 */
interface Call {
  request: unknown;
  options: CommandOptions;
  /** Set once this call's own commit landed: a refusal after it (a link taken back) stands. */
  committed?: boolean;
}

/** What a recovery did to a reserved ticket. */
export type Recovery = "none" | "completed" | "rolled_back";

/** Recovery appends as the service itself: it finishes what someone else began. */
const RECOVERY_ACTOR: Actor = { id: "svc:tickets", role: "supervisor", groups: [] };

export class PairRunner {
  constructor(private readonly deps: PairRunnerDeps) {}

  /** Merges `sourceId` into `intoId`, following `intoId` if it was merged itself. */
  merge(tenant: string, actor: Actor, sourceId: string, intoId: string, options?: CommandOptions) {
    const request = { op: "merge", ticketId: sourceId, into: intoId };
    return this.#once(tenant, actor, { request, options: options ?? {} }, async (call) => {
      if (sourceId === intoId) {
        fail("merge_into_self", "A ticket cannot be merged into itself", 422);
      }
      const targetId = await this.#follow(tenant, intoId);
      if (targetId === sourceId) {
        fail("merge_cycle", `Ticket "${intoId}" was merged into "${sourceId}" already`, 409, {
          mergedInto: sourceId,
        });
      }
      return await this.#run(tenant, actor, this.#spec("merge", sourceId, targetId), call);
    });
  }

  /** Undoes the merge of `sourceId`: both tickets as they were, less what changed since. */
  unmerge(tenant: string, actor: Actor, sourceId: string, options?: CommandOptions) {
    const request = { op: "unmerge", ticketId: sourceId };
    return this.#once(tenant, actor, { request, options: options ?? {} }, async (call) => {
      const into = (await this.#visible(tenant, actor, sourceId)).pairs?.mergedInto;
      if (!into) fail("not_merged", `Ticket "${sourceId}" is not merged`, 409);
      const spec = { ...this.#spec("unmerge", sourceId, into.targetId), undoes: into.mergeId };
      return await this.#run(tenant, actor, spec, call);
    });
  }

  /** Links `sourceId` to `otherId` as `kind` (as the source sees it); parents never loop. */
  link(
    tenant: string,
    actor: Actor,
    sourceId: string,
    otherId: string,
    kind: LinkKind,
    options?: CommandOptions,
  ) {
    const request = { op: "link", ticketId: sourceId, otherId, kind };
    return this.#once(
      tenant,
      actor,
      { request, options: options ?? {} },
      (call) => this.#link(tenant, actor, sourceId, otherId, kind, call),
    );
  }

  async #link(
    tenant: string,
    actor: Actor,
    sourceId: string,
    otherId: string,
    kind: LinkKind,
    call: Call,
  ) {
    if (sourceId === otherId) fail("link_to_self", "A ticket cannot be linked to itself", 422);
    const parentChild = kind === "parent_of"
      ? [sourceId, otherId] as const
      : kind === "child_of"
      ? [otherId, sourceId] as const
      : null;
    if (parentChild) await this.#refuseParentLoop(tenant, ...parentChild);
    const spec = { ...this.#spec("link", sourceId, otherId), linkKind: kind };
    const result = await this.#run(tenant, actor, spec, call);
    if (!parentChild) return result;
    // Parent links on other pairs are not reserved here, so two made at once could close a loop
    // that neither saw. Checked again once committed: the last link of a loop always sees it,
    // and takes itself back.
    try {
      await this.#refuseParentLoop(tenant, ...parentChild);
    } catch (error) {
      await this.unlink(tenant, actor, sourceId, otherId);
      throw error;
    }
    return result;
  }

  /** Removes the link between `sourceId` and `otherId`, on both. */
  unlink(
    tenant: string,
    actor: Actor,
    sourceId: string,
    otherId: string,
    options?: CommandOptions,
  ) {
    const request = { op: "unlink", ticketId: sourceId, otherId };
    return this.#once(tenant, actor, { request, options: options ?? {} }, async (call) => {
      const state = await this.#visible(tenant, actor, sourceId);
      const link = state.pairs?.links.find((l) => l.otherId === otherId);
      if (!link) fail("link_not_found", `Ticket "${sourceId}" has no link to "${otherId}"`, 404);
      const spec = {
        ...this.#spec("unlink", sourceId, otherId),
        linkKind: link.kind,
        undoes: link.linkId,
      };
      return await this.#run(tenant, actor, spec, call);
    });
  }

  /** Splits `ticketId` at `atMessageId`: that message and those after it open a new ticket. */
  split(
    tenant: string,
    actor: Actor,
    ticketId: string,
    atMessageId: string,
    options?: CommandOptions,
  ) {
    const request = { op: "split", ticketId, atMessageId };
    return this.#once(
      tenant,
      actor,
      { request, options: options ?? {} },
      (call) => this.#split(tenant, actor, ticketId, atMessageId, call),
    );
  }

  async #split(tenant: string, actor: Actor, ticketId: string, atMessageId: string, call: Call) {
    await this.#visible(tenant, actor, ticketId);
    splitMessages(await this.#events(tenant, ticketId), atMessageId); // refuse before holding it
    const spec = this.#spec("split", ticketId, this.deps.nextId());
    await this.#reserve(tenant, actor, spec, ticketId, "source", call.options.ifMatch);
    let messageIds: string[];
    try {
      // Read again while held: a split that just ended may have moved some of them.
      messageIds = splitMessages(await this.#events(tenant, ticketId), atMessageId);
      this.#inTime(spec);
    } catch (error) {
      await this.#releaseBoth(tenant, spec);
      throw error;
    }
    const source = await this.#commitStep(
      tenant,
      ticketId,
      actor,
      (s) => commit(spec, s, this.deps.policy, messageIds),
      call,
    );
    const target = await this.#createSplit(tenant, actor, source.events[0]);
    const closed = await this.#step(
      tenant,
      ticketId,
      actor,
      (s) => closeSplit(committedSplit(source.events[0]), s),
    );
    return { source: closed, target };
  }

  /** Undoes the split that made `ticketId`: it closes, the original shows its messages again. */
  unsplit(tenant: string, actor: Actor, ticketId: string, options?: CommandOptions) {
    const request = { op: "unsplit", ticketId };
    return this.#once(tenant, actor, { request, options: options ?? {} }, async (call) => {
      const from = (await this.#visible(tenant, actor, ticketId)).pairs?.splitFrom;
      if (!from) fail("not_split", `Ticket "${ticketId}" was not split off another`, 409);
      const spec = { ...this.#spec("unsplit", ticketId, from.originalId), undoes: from.splitId };
      return await this.#run(tenant, actor, spec, call);
    });
  }

  /**
   * Settles the operation holding `ticketId` if its reservation is stale: completed when its
   * source committed, else rolled back. The source is released first, so a slow original can
   * no longer commit once the target is let go.
   */
  async recover(tenant: string, ticketId: string): Promise<Recovery> {
    const state = await this.#load(tenant, ticketId);
    const spec = state.status === "none" ? null : state.pairs?.reservation ?? null;
    if (!spec || !this.#stale(spec)) return "none";
    // After the fence the stream alone says whether the source committed (a split's original
    // stays held after its commit, so the fence lands there either way).
    await this.#step(tenant, spec.sourceId, RECOVERY_ACTOR, (s) => release(spec.opId, s));
    const committed = await this.#committed(tenant, spec);
    if (committed) {
      if (spec.op === "split") {
        await this.#createSplit(tenant, RECOVERY_ACTOR, committed);
        await this.#step(
          tenant,
          spec.sourceId,
          RECOVERY_ACTOR,
          (s) => closeSplit(committedSplit(committed), s),
        );
      } else await this.#finish(tenant, RECOVERY_ACTOR, spec, committed);
      this.deps.log.warn("completed an interrupted ticket operation", logged(spec));
      return "completed";
    }
    // A split's new ticket does not exist before its commit: nothing holds it.
    if (spec.op !== "split") {
      await this.#step(tenant, spec.targetId, RECOVERY_ACTOR, (s) => release(spec.opId, s));
    }
    this.deps.log.warn("rolled back an interrupted ticket operation", logged(spec));
    return "rolled_back";
  }

  #spec(op: PairSpec["op"], sourceId: string, targetId: string): PairSpec {
    const reservedAt = this.deps.now().toISOString();
    return {
      opId: this.deps.nextId(),
      op,
      sourceId,
      targetId,
      linkKind: null,
      undoes: null,
      reservedAt,
    };
  }

  /**
   * Runs an operation once per `Idempotency-Key`: the key is the message id of the source's
   * commit (the step after which the operation has happened), so a retry finds that commit and is
   * answered as the first request was, however far the first one got before its answer was lost.
   * Asked before running (a retry after the answer) and after a refusal (a retry that raced the
   * first request, which a merged or reserved ticket refuses).
   */
  async #once(
    tenant: string,
    actor: Actor,
    call: Call,
    run: (call: Call) => Promise<PairResult>,
  ): Promise<PairResult> {
    if (call.options.idempotencyKey === undefined) return await run(call);
    const earlier = await this.#answered(tenant, actor, call);
    if (earlier) return earlier;
    try {
      return await run(call);
    } catch (error) {
      const refused = error instanceof DomainError || error instanceof ConcurrencyError;
      if (!refused || call.committed) throw error;
      const raced = await this.#answered(tenant, actor, call);
      if (raced) return raced;
      throw error;
    }
  }

  /**
   * The first answer to `call`'s key, if its commit is in the stream: the source as that commit
   * left it and the other ticket as it is now. The probe names a version no existing ticket has
   * (0), so it appends nothing: JetStream answers a known message id as a duplicate before it
   * checks the version (`retriedOrConflict` in append_commit.ts).
   */
  async #answered(tenant: string, actor: Actor, call: Call): Promise<PairResult | null> {
    const { ticketId } = call.request as { ticketId: string };
    let source: CommandResult;
    try {
      source = await this.deps.commands.decideWith(
        tenant,
        ticketId,
        actor,
        () => [],
        call.request,
        {
          ...call.options,
          ifMatch: 0,
        },
      );
    } catch (error) {
      if (error instanceof ConcurrencyError) return null;
      throw error;
    }
    if (!source.duplicate) return null;
    const stored = await this.deps.store.readAt(source.version);
    const committed = stored ? decodeCommit(stored.data).events[0] : undefined;
    const otherId = committed ? otherTicketOf(committed) : null;
    if (!otherId) throw new Error("an operation's commit names the other ticket");
    const target = await this.#step(tenant, otherId, actor, () => []);
    return { source, target };
  }

  async #run(tenant: string, actor: Actor, spec: PairSpec, call?: Call): Promise<PairResult> {
    const [first, second]: [string, Side][] = BigInt(spec.sourceId) < BigInt(spec.targetId)
      ? [[spec.sourceId, "source"], [spec.targetId, "target"]]
      : [[spec.targetId, "target"], [spec.sourceId, "source"]];
    // `If-Match` names the version of the ticket in the path (the source) when it is reserved.
    const ifMatch = (side: Side) => side === "source" ? call?.options.ifMatch : undefined;
    await this.#reserve(tenant, actor, spec, first[0], first[1], ifMatch(first[1]));
    try {
      await this.#reserve(tenant, actor, spec, second[0], second[1], ifMatch(second[1]));
      this.#inTime(spec);
    } catch (error) {
      await this.#releaseBoth(tenant, spec);
      throw error;
    }
    const committed = await this.#commitStep(
      tenant,
      spec.sourceId,
      actor,
      (s) => commit(spec, s, this.deps.policy),
      call,
    );
    const target = await this.#finish(tenant, actor, spec, committed.events[0]);
    return { source: committed, target };
  }

  /** Reserves one ticket; a stale reservation in the way is recovered once, then retried. */
  async #reserve(
    tenant: string,
    actor: Actor,
    spec: PairSpec,
    ticketId: string,
    side: Side,
    ifMatch?: number,
  ) {
    const decision = (s: Ticket) => reserve(spec, side, s, actor);
    try {
      return await this.deps.commands.decideWith(tenant, ticketId, actor, decision, { ticketId }, {
        ifMatch,
      });
    } catch (error) {
      if (!(error instanceof DomainError && error.code === "ticket_busy")) throw error;
      if (await this.recover(tenant, ticketId) === "none") throw error;
      return await this.#step(tenant, ticketId, actor, decision);
    }
  }

  /** Step 3; a recovery that finished it first leaves nothing to do. */
  async #finish(tenant: string, actor: Actor, spec: PairSpec, committed: TicketEvent) {
    const decision = (s: Ticket) => finish(spec, committed, s, this.deps.policy);
    try {
      return await this.#step(tenant, spec.targetId, actor, decision);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === "operation_aborted")) throw error;
      return await this.#step(tenant, spec.targetId, actor, () => []);
    }
  }

  async #releaseBoth(tenant: string, spec: PairSpec): Promise<void> {
    for (const id of spec.op === "split" ? [spec.sourceId] : [spec.sourceId, spec.targetId]) {
      await this.#step(tenant, id, RECOVERY_ACTOR, (s) => release(spec.opId, s)).catch((e) => {
        // Left reserved, it is recovered once stale; the operation's own error is the answer.
        this.deps.log.warn("could not release a ticket reservation", {
          ...logged(spec),
          error: String(e),
        });
      });
    }
  }

  /** An operation that took half the timeout to reserve is given up before it commits. */
  #inTime(spec: PairSpec): void {
    const age = this.deps.now().getTime() - Date.parse(spec.reservedAt);
    if (age > this.deps.settings.reservationMs / 2) {
      fail("operation_timeout", "Reserving the tickets took too long; retry", 503);
    }
  }

  #stale(spec: PairSpec): boolean {
    return this.deps.now().getTime() - Date.parse(spec.reservedAt) >
      this.deps.settings.reservationMs;
  }

  /**
   * Opens the split's new ticket with copies of the moved messages, sealed for it. Appended at
   * version 0 of a fresh subject: done once, however many recoveries race.
   */
  async #createSplit(tenant: string, actor: Actor, committed: TicketEvent) {
    const split = committedSplit(committed);
    const events = await this.#events(tenant, split.originalId);
    const original = events.reduce(evolve, noTicket);
    if (original.status === "none") throw new Error("a split's original exists");
    const { envelope, nextId } = this.deps;
    const from = { tenant, ticketId: split.originalId };
    const to = { tenant, ticketId: split.newTicketId, ownerId: original.requesterId };
    const reseal = async (sealed: string) =>
      await envelope.seal(await envelope.openUnlessErased(sealed, from) ?? "", to);
    const created = events.find((e) => e.type === "TicketCreated")!;
    const moved = new Set(split.messageIds);
    const messages = await Promise.all(
      allMessages(events).filter((m) => moved.has(m.messageId)).map(async (m) => ({
        ...m,
        messageId: nextId(),
        body: await reseal(m.body),
      })),
    );
    const first = splitTicketEvents({
      split,
      original,
      number: await this.deps.numbers.next(tenant),
      subject: await reseal(created.data.subject),
      messages,
    });
    return await this.#step(
      tenant,
      split.newTicketId,
      actor,
      (s) => s.status === "none" ? first : [],
    );
  }

  async #events(tenant: string, ticketId: string): Promise<TicketEvent[]> {
    const messages = await this.deps.store.readSubject(ticketSubject(tenant, ticketId));
    return messages.flatMap((m) => decodeCommit(m.data).events);
  }

  #step(tenant: string, ticketId: string, actor: Actor, decision: Decision) {
    return this.deps.commands.decideWith(tenant, ticketId, actor, decision, { ticketId });
  }

  /** The source's commit carries the request's idempotency key (see `#once`) and source. */
  async #commitStep(
    tenant: string,
    ticketId: string,
    actor: Actor,
    decision: Decision,
    call?: Call,
  ) {
    if (!call) return this.#step(tenant, ticketId, actor, decision);
    const { idempotencyKey, source } = call.options;
    const committed = await this.deps.commands.decideWith(
      tenant,
      ticketId,
      actor,
      decision,
      call.request,
      { idempotencyKey, source },
    );
    call.committed = true;
    return committed;
  }

  async #visible(tenant: string, actor: Actor, ticketId: string): Promise<ExistingTicket> {
    const state = await this.#load(tenant, ticketId);
    if (state.status === "none" || !canSee(actor, state)) {
      fail("ticket_not_found", "No such ticket", 404);
    }
    return state;
  }

  async #load(tenant: string, ticketId: string): Promise<Ticket> {
    const subject = ticketSubject(tenant, ticketId);
    const { loader } = this.deps;
    return (await loader.catchUp(subject, await loader.load(subject))).state;
  }

  /** The source's commit of `spec`, if it is in the stream. */
  async #committed(tenant: string, spec: PairSpec): Promise<TicketEvent | null> {
    const messages = await this.deps.store.readSubject(ticketSubject(tenant, spec.sourceId));
    for (const message of messages) {
      const found = decodeCommit(message.data).events.find((e) => commits(spec, e));
      if (found) return found;
    }
    return null;
  }

  /** Where a merge into `ticketId` lands: past every merge it went through. */
  async #follow(tenant: string, ticketId: string): Promise<string> {
    let current = ticketId;
    for (let hops = 0; hops <= this.deps.settings.maxChain; hops++) {
      const state = await this.#load(tenant, current);
      const into = state.status === "none" ? null : state.pairs?.mergedInto;
      if (!into) return current;
      current = into.targetId;
    }
    fail("merge_chain_too_long", `Ticket "${ticketId}" is at the end of too many merges`, 409);
  }

  /** Refuses a parent link that would make `childId` an ancestor of itself. */
  async #refuseParentLoop(tenant: string, parentId: string, childId: string): Promise<void> {
    let current: string | null = parentId;
    for (let depth = 0; current !== null; depth++) {
      if (current === childId) {
        fail("link_cycle", `Ticket "${childId}" is already above "${parentId}"`, 409);
      }
      if (depth >= this.deps.settings.maxChain) {
        fail("link_too_deep", `Parent chains are at most ${this.deps.settings.maxChain} deep`, 409);
      }
      current = parentOf(await this.#load(tenant, current));
    }
  }
}

/** Whether `event` is the source's commit of `spec`. */
/** The other ticket an operation's commit on its source names. */
function otherTicketOf(event: TicketEvent): string | null {
  switch (event.type) {
    case "TicketMerged":
    case "TicketUnmerged":
      return event.data.targetId;
    case "TicketLinked":
    case "TicketUnlinked":
      return event.data.otherId;
    case "TicketSplit":
      return event.data.newTicketId;
    case "TicketSplitUndone":
      return event.data.originalId;
    default:
      return null;
  }
}

function commits(spec: PairSpec, event: TicketEvent): boolean {
  switch (spec.op) {
    case "merge":
      return event.type === "TicketMerged" && event.data.mergeId === spec.opId;
    case "unmerge":
      return event.type === "TicketUnmerged" && event.data.mergeId === spec.undoes;
    case "link":
      return event.type === "TicketLinked" && event.data.linkId === spec.opId;
    case "unlink":
      return event.type === "TicketUnlinked" && event.data.linkId === spec.undoes;
    case "split":
      return event.type === "TicketSplit" && event.data.splitId === spec.opId;
    case "unsplit":
      return event.type === "TicketSplitUndone" && event.data.splitId === spec.undoes;
  }
}

function committedSplit(event: TicketEvent) {
  if (event.type !== "TicketSplit") throw new Error("a split commits TicketSplit");
  return event.data;
}

/** Every message posted on the ticket (shown or moved away), in order. */
function allMessages(events: readonly TicketEvent[]) {
  return events.flatMap((e) => e.type === "MessagePosted" ? [e.data] : []);
}

function logged(spec: PairSpec) {
  const { opId, op, sourceId, targetId } = spec;
  return { opId, op, sourceId, targetId };
}
