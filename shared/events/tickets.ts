/**
 * The published language of the tickets service: every ticket event, its schema and version.
 * Subjects and bodies travel sealed (see `shared/crypto/envelope.ts`); nothing here is plaintext.
 * @module
 */
import { z } from "zod";
import { defineEvent, type EventDefinition, type StoredEvent, upcastAndParse } from "./registry.ts";

export const TICKET_STATUSES = ["new", "open", "pending", "on_hold", "solved", "closed"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];
/**
 * Roles from weakest to strongest: a token naming several gets the last one it names. Only ever
 * add roles: events store them, and an old event must keep decoding.
 */
export const ROLES = ["customer", "auditor", "agent", "supervisor", "admin"] as const;
export type Role = (typeof ROLES)[number];

const id = z.string().regex(/^[1-9][0-9]{0,18}$/);
const principal = z.string().min(1).max(128);
const sealed = z.string().startsWith("enc:");
const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Two-ticket operations, each run by reserving both tickets (docs/merge-split-links.md). */
export const PAIR_OPS = ["merge", "unmerge", "link", "unlink", "split", "unsplit"] as const;
export type PairOp = (typeof PAIR_OPS)[number];
/** Link kinds as one ticket sees them; each has an inverse on the other ticket. */
export const LINK_KINDS = [
  "related",
  "duplicate_of",
  "duplicated_by",
  "follow_up_of",
  "followed_up_by",
  "parent_of",
  "child_of",
] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const ticketEventDefinitions = {
  TicketCreated: defineEvent(
    1,
    z.object({
      ticketId: id,
      number: z.number().int().positive(),
      requesterId: principal,
      subject: sealed,
      status: z.enum(TICKET_STATUSES),
      priority: z.enum(PRIORITIES),
      tags: z.array(z.string()),
      assigneeId: principal.nullable(),
      groupId: principal.nullable(),
      customFields: z.record(z.string(), fieldValue),
      followUpOf: id.nullable(),
      externalId: z.string().nullable(),
    }),
  ),
  MessagePosted: defineEvent(
    1,
    z.object({
      messageId: id,
      authorId: principal,
      authorRole: z.enum(ROLES),
      internal: z.boolean(),
      body: sealed,
    }),
  ),
  /**
   * v2 adds `customStatusId`: the tenant's own status within the category `to` (absent or null:
   * the category's built-in name). v1 events had none.
   */
  TicketStatusChanged: defineEvent(
    2,
    z.object({
      from: z.enum(TICKET_STATUSES),
      to: z.enum(TICKET_STATUSES),
      customStatusId: id.nullable().optional(),
    }),
    { 1: (data) => ({ ...(data as object), customStatusId: null }) },
  ),
  TicketAssigned: defineEvent(
    1,
    z.object({ assigneeId: principal.nullable(), groupId: principal.nullable() }),
  ),
  TicketTagsChanged: defineEvent(
    1,
    z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
  ),
  TicketPriorityChanged: defineEvent(
    1,
    z.object({ from: z.enum(PRIORITIES), to: z.enum(PRIORITIES) }),
  ),
  TicketFieldsChanged: defineEvent(1, z.object({ fields: z.record(z.string(), fieldValue) })),
  /**
   * The requester answered the satisfaction survey (docs/csat.md): a rating of 1 (bad) to 5
   * (great) and an optional comment, sealed like a message (it is ticket content).
   */
  SatisfactionRated: defineEvent(
    1,
    z.object({ rating: z.number().int().min(1).max(5), comment: sealed.nullable() }),
  ),
  /**
   * A file joined the ticket (stored encrypted by the attachments service, which keeps where and
   * under which key). The name is sealed like a message (a name can be personal data) and never
   * names the stored object.
   */
  AttachmentAdded: defineEvent(
    1,
    z.object({
      attachmentId: id,
      fileName: sealed,
      mime: z.string().min(1).max(127),
      size: z.number().int().nonnegative(),
      contentId: z.string().regex(/^[0-9a-f]{64}$/),
      uploaderId: principal,
    }),
  ),
  /**
   * Time an agent worked on the ticket. Entries are never edited: a correction is an entry with
   * negative seconds (at most what that agent logged here). The note is sealed like a message.
   */
  TimeLogged: defineEvent(
    1,
    z.object({
      entryId: id,
      agentId: principal,
      seconds: z.number().int().refine((s) => s !== 0, "must not be 0"),
      note: sealed.nullable(),
    }),
  ),
  /** The requester was erased: their data keys are destroyed, so the text above is unreadable. */
  TicketContentErased: defineEvent(1, z.object({ erasureId: id })),
  /**
   * The pending marker of a two-ticket operation (merge, unmerge, link, unlink): the ticket is
   * held for `opId` until the operation's own events or `TicketPairReleased` clear it, so two
   * operations sharing a ticket never interleave (docs/merge-split-links.md).
   */
  TicketPairReserved: defineEvent(
    1,
    z.object({
      opId: id,
      op: z.enum(PAIR_OPS),
      sourceId: id,
      targetId: id,
      /** A link's kind as the source sees it (link and unlink). */
      linkKind: z.enum(LINK_KINDS).nullable(),
      /** The merge or link an unmerge or unlink undoes. */
      undoes: id.nullable(),
      /** When the operation began: a reservation older than the timeout is recovered. */
      reservedAt: z.iso.datetime(),
    }),
  ),
  /** A reservation rolled back: the operation did not happen on this ticket. */
  TicketPairReleased: defineEvent(1, z.object({ opId: id })),
  /**
   * `sourceId` was merged into `targetId`, on both tickets. `tickets` are the source and those
   * merged into it before (shown on the target, their requesters answered there); `statusBefore`
   * is the source's status to restore on unmerge; `addedTags` the tags the target gained.
   */
  TicketMerged: defineEvent(
    1,
    z.object({
      mergeId: id,
      sourceId: id,
      targetId: id,
      tickets: z.array(z.object({ ticketId: id, requesterId: principal })),
      statusBefore: z.enum(TICKET_STATUSES),
      addedTags: z.array(z.string()),
    }),
  ),
  /** The merge `mergeId` was undone, on both tickets. */
  TicketUnmerged: defineEvent(1, z.object({ mergeId: id, sourceId: id, targetId: id })),
  /** A link as this ticket sees it (`parent_of` here is `child_of` on `otherId`). */
  TicketLinked: defineEvent(1, z.object({ linkId: id, kind: z.enum(LINK_KINDS), otherId: id })),
  TicketUnlinked: defineEvent(1, z.object({ linkId: id, kind: z.enum(LINK_KINDS), otherId: id })),
  /**
   * Messages `messageIds` of `originalId` (one and those after it) continue as ticket
   * `newTicketId`, on both: the original hides them once the new ticket holds its copies.
   */
  TicketSplit: defineEvent(
    1,
    z.object({ splitId: id, originalId: id, newTicketId: id, messageIds: z.array(id) }),
  ),
  /** The split `splitId` was undone, on both: the original shows its messages again. */
  TicketSplitUndone: defineEvent(1, z.object({ splitId: id, originalId: id, newTicketId: id })),
};

type Definitions = typeof ticketEventDefinitions;
export type TicketEventType = keyof Definitions;

/** A ticket event in its current shape, discriminated by `type`. */
export type TicketEvent = {
  [K in TicketEventType]: { type: K; data: z.infer<Definitions[K]["schema"]> };
}[TicketEventType];

/** Who did it, when and under which command; shared by all events of one commit. */
export const commitMetaSchema = z.object({
  commandId: id,
  tenant: z.string(),
  ticketId: id,
  at: z.iso.datetime(),
  actorId: principal,
  actorRole: z.enum(ROLES),
  /** The caller's address as the edge saw it (absent in commits made before it was kept). */
  ip: z.string().max(64).optional(),
  /** The request id the logs carry, over HTTP or from the service that sent the command. */
  requestId: z.string().max(128).optional(),
  /** The service that relayed the actor's words (`svc:email` for a customer's mail), if any. */
  relayedBy: principal.optional(),
});
export type CommitMeta = z.infer<typeof commitMetaSchema>;

/** Where a command came from; `null` when unknown. */
export interface CommitSource {
  ip: string | null;
  requestId: string | null;
}

/** One decision: the unit appended to the stream as a single JetStream message. */
export interface TicketCommit {
  meta: CommitMeta;
  events: TicketEvent[];
}

/** Serialises a commit with each event tagged by its current schema version. */
export function encodeCommit(commit: TicketCommit): Uint8Array {
  const events: StoredEvent[] = commit.events.map((e) => ({
    type: e.type,
    v: ticketEventDefinitions[e.type].version,
    data: e.data,
  }));
  return new TextEncoder().encode(JSON.stringify({ meta: commit.meta, events }));
}

/** Parses a stored commit of any past version into current-shape events. */
export function decodeCommit(bytes: Uint8Array): TicketCommit {
  const raw = JSON.parse(new TextDecoder().decode(bytes)) as {
    meta: unknown;
    events: StoredEvent[];
  };
  const meta = commitMetaSchema.parse(raw.meta);
  const events = raw.events.map((stored) => {
    const definition: EventDefinition<z.ZodType> | undefined =
      ticketEventDefinitions[stored.type as TicketEventType];
    if (!definition) throw new Error(`Unknown ticket event type ${stored.type}`);
    return { type: stored.type, data: upcastAndParse(definition, stored) } as TicketEvent;
  });
  return { meta, events };
}

/** The subject of one ticket's events: `tickets.<tenant>.<ticket id>`. */
export function ticketSubject(tenant: string, ticketId: string): string {
  return `tickets.${tenant}.${ticketId}`;
}

/** The wildcard covering every ticket of every tenant. */
export const ALL_TICKETS_SUBJECT = "tickets.>";
