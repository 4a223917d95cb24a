/**
 * Two-ticket operations (merge, split, link and their undos) as pure steps. Each operation reserves
 * both tickets (lower id first), commits on the source, then finishes on the target; each step
 * is one conditional append decided here. Why this order is safe: docs/merge-split-links.md.
 * @module
 */
import type {
  LinkKind,
  PairOp,
  TicketEvent,
  TicketStatus,
} from "@ticketd/shared/events/tickets.ts";
import { fail } from "@ticketd/shared/errors.ts";
import type { Actor, TicketPolicy } from "./commands.ts";
import { authorise, canSee } from "./permissions.ts";
import type { ExistingTicket, Ticket } from "./ticket.ts";

/** One operation over two tickets, as its reservation names it. */
export interface PairSpec {
  opId: string;
  op: PairOp;
  sourceId: string;
  targetId: string;
  linkKind: LinkKind | null;
  undoes: string | null;
  reservedAt: string;
}

export interface MergedInto {
  mergeId: string;
  targetId: string;
  statusBefore: TicketStatus;
}

/** A merge this ticket received: what it shows of the source and what undo takes back. */
export interface Absorbed {
  mergeId: string;
  sourceId: string;
  tickets: { ticketId: string; requesterId: string }[];
  addedTags: string[];
  /** Messages on the target since the merge that undo would take from the merged requesters:
   * theirs, and public staff replies (absent: none). */
  answersSince?: number;
}

export interface Link {
  linkId: string;
  kind: LinkKind;
  otherId: string;
}

/** On a ticket split off another: which split, and how many messages it got since. */
export interface SplitFrom {
  splitId: string;
  originalId: string;
  repliesSince: number;
}

export interface PairState {
  reservation: PairSpec | null;
  mergedInto: MergedInto | null;
  absorbed: Absorbed[];
  links: Link[];
  splitFrom: SplitFrom | null;
  /** Splits made of this ticket (not undone). */
  splitTo: string[];
}

export const noPairs: PairState = {
  reservation: null,
  mergedInto: null,
  absorbed: [],
  links: [],
  splitFrom: null,
  splitTo: [],
};

/** The inverse of each link kind: what the other ticket records. */
export const INVERSE_LINK: Readonly<Record<LinkKind, LinkKind>> = {
  related: "related",
  duplicate_of: "duplicated_by",
  duplicated_by: "duplicate_of",
  follow_up_of: "followed_up_by",
  followed_up_by: "follow_up_of",
  parent_of: "child_of",
  child_of: "parent_of",
};

type PairEvent = Extract<
  TicketEvent,
  {
    type:
      | "TicketPairReserved"
      | "TicketPairReleased"
      | "TicketMerged"
      | "TicketUnmerged"
      | "TicketLinked"
      | "TicketUnlinked"
      | "TicketSplit"
      | "TicketSplitUndone";
  }
>;

/** The state after a pair event (total: an event naming another operation changes nothing). */
export function evolvePair(state: ExistingTicket, event: PairEvent): ExistingTicket {
  const pairs = state.pairs ?? noPairs;
  const next = (changes: Partial<PairState>, settled: string | null): ExistingTicket => {
    const merged = { ...pairs, ...changes };
    if (settled !== null && settles(pairs.reservation, settled)) merged.reservation = null;
    return { ...state, pairs: merged, coRequesterIds: coRequesters(merged) };
  };
  switch (event.type) {
    case "TicketPairReserved":
      return next({ reservation: event.data }, null);
    case "TicketPairReleased":
      return next({}, event.data.opId);
    case "TicketMerged": {
      const { mergeId, sourceId, targetId, tickets, statusBefore, addedTags } = event.data;
      if (state.id === sourceId) {
        return next({ mergedInto: { mergeId, targetId, statusBefore } }, mergeId);
      }
      return next({
        absorbed: [...pairs.absorbed, { mergeId, sourceId, tickets, addedTags }],
      }, mergeId);
    }
    case "TicketUnmerged": {
      const { mergeId } = event.data;
      if (pairs.mergedInto?.mergeId === mergeId) return next({ mergedInto: null }, mergeId);
      return next({ absorbed: pairs.absorbed.filter((a) => a.mergeId !== mergeId) }, mergeId);
    }
    case "TicketLinked":
      return next({ links: [...pairs.links, event.data] }, event.data.linkId);
    case "TicketUnlinked": {
      const { linkId } = event.data;
      return next({ links: pairs.links.filter((l) => l.linkId !== linkId) }, linkId);
    }
    case "TicketSplit": {
      const { splitId, originalId } = event.data;
      // The original stays held until the new ticket exists (its release ends the split).
      if (state.id === originalId) return next({ splitTo: [...pairs.splitTo, splitId] }, null);
      return next({ splitFrom: { splitId, originalId, repliesSince: 0 } }, splitId);
    }
    case "TicketSplitUndone": {
      const { splitId, originalId } = event.data;
      if (state.id === originalId) {
        return next({ splitTo: pairs.splitTo.filter((id) => id !== splitId) }, splitId);
      }
      return next({ splitFrom: null }, splitId);
    }
  }
}

/** The author of a message, as the pair rules weigh it. */
export interface Reply {
  authorId: string;
  authorRole: string;
  internal: boolean;
}

/**
 * A message on a ticket split off another, or on one that absorbed merges: undoing the split
 * or merge would now hide an answer. For a merge only what its requesters would lose counts:
 * their own messages and public staff replies (a note, or another requester's message, stays
 * readable by whoever could read it before).
 */
export function countReply(state: ExistingTicket, reply: Reply): ExistingTicket {
  const pairs = state.pairs;
  if (!pairs || (!pairs.splitFrom && pairs.absorbed.length === 0)) return state;
  const from = pairs.splitFrom;
  const splitFrom = from && { ...from, repliesSince: from.repliesSince + 1 };
  const staffReply = reply.authorRole !== "customer" && !reply.internal;
  const absorbed = pairs.absorbed.map((a) =>
    staffReply || a.tickets.some((t) => t.requesterId === reply.authorId)
      ? { ...a, answersSince: (a.answersSince ?? 0) + 1 }
      : a
  );
  return { ...state, pairs: { ...pairs, splitFrom, absorbed } };
}

/** An operation's own events clear its reservation: `id` is its op id or what it undoes. */
function settles(reservation: PairSpec | null, id: string): boolean {
  return reservation !== null && (reservation.opId === id || reservation.undoes === id);
}

/** The requesters of merged tickets: answered on this one, so they may see it. */
function coRequesters(pairs: PairState): string[] {
  return [...new Set(pairs.absorbed.flatMap((a) => a.tickets.map((t) => t.requesterId)))];
}

/** Commands to a merged ticket are refused, naming the ticket that carries it now. */
export function refuseIfMerged(ticket: ExistingTicket): void {
  const into = ticket.pairs?.mergedInto;
  if (into) {
    fail("merged", `Ticket "${ticket.id}" was merged into "${into.targetId}"`, 409, {
      mergedInto: into.targetId,
    });
  }
}

/** Which side of `spec` this ticket is. */
export type Side = "source" | "target";

/** Step 1, on each ticket (lower id first): hold it for `spec`, or refuse the operation. */
export function reserve(
  spec: PairSpec,
  side: Side,
  state: Ticket,
  actor: Actor,
): TicketEvent[] {
  const ticket = existing(state, actor, side);
  authorise(actor, spec.op === "link" || spec.op === "unlink" ? "link" : "merge");
  const pairs = ticket.pairs ?? noPairs;
  if (pairs.reservation?.opId === spec.opId) return []; // a retried step
  if (pairs.reservation) {
    fail("ticket_busy", `Ticket "${ticket.id}" is in another merge or link; retry`, 409, {
      ticketId: ticket.id,
    });
  }
  checkOp(spec, side, ticket, pairs);
  return [{ type: "TicketPairReserved", data: spec }];
}

function checkOp(spec: PairSpec, side: Side, ticket: ExistingTicket, pairs: PairState): void {
  const other = side === "source" ? spec.targetId : spec.sourceId;
  switch (spec.op) {
    case "merge":
      refuseIfMerged(ticket);
      if (ticket.status === "closed") {
        fail("ticket_closed", `Ticket "${ticket.id}" is closed and cannot be merged`, 409, {
          ticketId: ticket.id,
        });
      }
      return;
    case "unmerge":
      if (side === "source" && pairs.mergedInto?.mergeId !== spec.undoes) {
        fail("not_merged", `Ticket "${ticket.id}" is not merged`, 409);
      }
      if (side === "target") {
        refuseIfMerged(ticket); // undo the later merge first: its copy still carries the source
        const absorbed = pairs.absorbed.find((a) => a.mergeId === spec.undoes);
        if (!absorbed) fail("not_merged", `Ticket "${ticket.id}" does not hold that merge`, 409);
        // The merged requesters would lose their own reply or its answer: refuse, as unsplit.
        if ((absorbed.answersSince ?? 0) > 0) {
          fail(
            "merge_answered",
            "The target has answers since the merge; undo would hide them",
            409,
            {
              messages: absorbed.answersSince,
            },
          );
        }
      }
      return;
    case "link":
      refuseIfMerged(ticket);
      if (pairs.links.some((l) => l.otherId === other)) {
        fail("already_linked", `Tickets "${spec.sourceId}" and "${spec.targetId}" are linked`, 409);
      }
      if (kindOn(spec, side) === "child_of" && pairs.links.some((l) => l.kind === "child_of")) {
        fail("already_has_parent", `Ticket "${ticket.id}" already has a parent`, 409, {
          ticketId: ticket.id,
        });
      }
      return;
    case "unlink":
      if (!pairs.links.some((l) => l.linkId === spec.undoes)) {
        fail("link_not_found", `No such link on ticket "${ticket.id}"`, 404);
      }
      return;
    case "split":
      refuseIfMerged(ticket);
      if (ticket.status === "closed") {
        fail("ticket_closed", `Ticket "${ticket.id}" is closed and cannot be split`, 409);
      }
      return;
    case "unsplit":
      refuseIfMerged(ticket);
      if (side === "source") checkUnsplit(spec, pairs);
      else if (!pairs.splitTo.includes(spec.undoes!)) {
        fail("not_split", `Ticket "${ticket.id}" does not hold that split`, 409);
      }
  }
}

/** Undoing a split is refused once the new ticket was answered: the answer would vanish. */
function checkUnsplit(spec: PairSpec, pairs: PairState): void {
  const from = pairs.splitFrom;
  if (from?.splitId !== spec.undoes) fail("not_split", "The ticket was not split off another", 409);
  if (from.repliesSince > 0) {
    fail("split_answered", "The ticket has messages since the split; undo would hide them", 409, {
      messages: from.repliesSince,
    });
  }
}

/** The link kind as `side` records it. */
function kindOn(spec: PairSpec, side: Side): LinkKind {
  const kind = spec.linkKind ?? "related";
  return side === "source" ? kind : INVERSE_LINK[kind];
}

/**
 * Step 2, on the source: the decisive append. Once it is in the stream the operation happened
 * and recovery completes it; before, recovery rolls it back.
 */
export function commit(
  spec: PairSpec,
  state: Ticket,
  policy: TicketPolicy,
  /** For a split: the messages that move (`splitMessages`). */
  messageIds: readonly string[] = [],
): TicketEvent[] {
  const ticket = held(spec, state);
  switch (spec.op) {
    case "merge": {
      const pairs = ticket.pairs ?? noPairs;
      const tickets = [
        { ticketId: ticket.id, requesterId: ticket.requesterId },
        ...pairs.absorbed.flatMap((a) => a.tickets),
      ];
      return [
        {
          type: "TicketMerged",
          data: {
            mergeId: spec.opId,
            sourceId: spec.sourceId,
            targetId: spec.targetId,
            tickets,
            statusBefore: ticket.status,
            // The target decides which tags it takes; here they are offered.
            addedTags: ticket.tags.slice(0, policy.maxTags),
          },
        },
        { type: "TicketStatusChanged", data: { from: ticket.status, to: "closed" } },
      ];
    }
    case "unmerge": {
      const into = ticket.pairs!.mergedInto!;
      return [
        { type: "TicketUnmerged", data: unmergeData(spec) },
        { type: "TicketStatusChanged", data: { from: ticket.status, to: into.statusBefore } },
      ];
    }
    case "link":
      return [linked(spec, "source")];
    case "unlink":
      return [unlinked(spec, ticket)];
    case "split": {
      if (messageIds.length === 0) throw new Error("a split moves at least one message");
      const data = {
        splitId: spec.opId,
        originalId: spec.sourceId,
        newTicketId: spec.targetId,
        messageIds: [...messageIds],
      };
      // The original stays held: `closeSplit` links and releases it once the new ticket exists.
      return [{ type: "TicketSplit", data }];
    }
    case "unsplit": {
      // The split-off ticket closes; the original shows its messages again.
      const events = [...unsplitEvents(spec, ticket)];
      if (ticket.status !== "closed") {
        events.push({ type: "TicketStatusChanged", data: { from: ticket.status, to: "closed" } });
      }
      return events;
    }
  }
}

/** Both sides of an unsplit: the split undone and its follow-up link removed. */
function unsplitEvents(spec: PairSpec, ticket: ExistingTicket): TicketEvent[] {
  // An unsplit acts on the split-off ticket: it is the source, the original the target.
  const split = { newTicketId: spec.sourceId, originalId: spec.targetId };
  const link = ticket.pairs!.links.find((l) => l.linkId === spec.undoes);
  return [
    { type: "TicketSplitUndone", data: { splitId: spec.undoes!, ...split } },
    ...(link ? [{ type: "TicketUnlinked", data: link } satisfies TicketEvent] : []),
  ];
}

/**
 * Step 3, on the target, from the source's committed event: the target shows the merge (and
 * gains the tags it has room for), drops it, or records its side of the link.
 */
export function finish(
  spec: PairSpec,
  committed: TicketEvent,
  state: Ticket,
  policy: TicketPolicy,
): TicketEvent[] {
  const ticket = held(spec, state);
  switch (spec.op) {
    case "merge": {
      if (committed.type !== "TicketMerged") throw new Error("a merge commits TicketMerged");
      const room = Math.max(0, policy.maxTags - ticket.tags.length);
      const added = committed.data.addedTags.filter((t) => !ticket.tags.includes(t))
        .slice(0, room);
      const events: TicketEvent[] = [
        { type: "TicketMerged", data: { ...committed.data, addedTags: added } },
      ];
      if (added.length > 0) {
        events.push({ type: "TicketTagsChanged", data: { added, removed: [] } });
      }
      return events;
    }
    case "unmerge": {
      const absorbed = (ticket.pairs?.absorbed ?? []).find((a) => a.mergeId === spec.undoes);
      // Tags the merge brought and nobody removed since go; anything changed since stays.
      const removed = (absorbed?.addedTags ?? []).filter((t) => ticket.tags.includes(t));
      const events: TicketEvent[] = [{ type: "TicketUnmerged", data: unmergeData(spec) }];
      if (removed.length > 0) {
        events.push({ type: "TicketTagsChanged", data: { added: [], removed } });
      }
      return events;
    }
    case "link":
      return [linked(spec, "target")];
    case "unlink":
      return [unlinked(spec, ticket)];
    case "unsplit":
      return unsplitEvents(spec, ticket);
    case "split":
      throw new Error("a split finishes by creating its new ticket (split.ts)");
  }
}

/**
 * The split's last step, on the original once the new ticket exists: the follow-up link (unless
 * there) and the release of its reservation (unless a recovery released it already).
 */
export function closeSplit(
  split: { splitId: string; newTicketId: string },
  state: Ticket,
): TicketEvent[] {
  if (state.status === "none") return [];
  const linked = (state.pairs?.links ?? []).some((l) => l.linkId === split.splitId);
  const link: TicketEvent = {
    type: "TicketLinked",
    data: { linkId: split.splitId, kind: "followed_up_by", otherId: split.newTicketId },
  };
  return [...(linked ? [] : [link]), ...release(split.splitId, state)];
}

/** Rolls a reservation back; nothing when `opId` no longer holds the ticket. */
export function release(opId: string, state: Ticket): TicketEvent[] {
  if (state.status === "none" || state.pairs?.reservation?.opId !== opId) return [];
  return [{ type: "TicketPairReleased", data: { opId } }];
}

function unmergeData(spec: PairSpec) {
  return { mergeId: spec.undoes!, sourceId: spec.sourceId, targetId: spec.targetId };
}

function linked(spec: PairSpec, side: Side): TicketEvent {
  const otherId = side === "source" ? spec.targetId : spec.sourceId;
  return { type: "TicketLinked", data: { linkId: spec.opId, kind: kindOn(spec, side), otherId } };
}

function unlinked(spec: PairSpec, ticket: ExistingTicket): TicketEvent {
  const link = ticket.pairs!.links.find((l) => l.linkId === spec.undoes)!;
  return { type: "TicketUnlinked", data: link };
}

/** The ticket, still held for `spec` (a recovery that rolled it back wins: 409). */
function held(spec: PairSpec, state: Ticket): ExistingTicket {
  if (state.status === "none" || state.pairs?.reservation?.opId !== spec.opId) {
    fail("operation_aborted", "The operation was rolled back meanwhile; retry", 409);
  }
  return state;
}

/** The source is the ticket acted on (404 if unseen); the target is named in the body (422). */
function existing(state: Ticket, actor: Actor, side: Side): ExistingTicket {
  if (state.status !== "none" && canSee(actor, state)) return state;
  if (side === "source") fail("ticket_not_found", "No such ticket", 404);
  fail("invalid_pair_target", "The other ticket names no ticket you can see", 422);
}

/** A ticket's parent, from its links. */
export function parentOf(state: Ticket): string | null {
  if (state.status === "none") return null;
  return state.pairs?.links.find((l) => l.kind === "child_of")?.otherId ?? null;
}
