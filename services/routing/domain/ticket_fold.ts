/**
 * Routing's fold of ticket commits: the ticket as routing needs it, minus the plaintext. The
 * sealed subject and first message are kept while the ticket is not closed, so rules on a later
 * change can read them again (opened in memory, never stored); a closed ticket keeps no text.
 * @module
 */
import type { TicketCommit } from "@ticketd/shared/events/tickets.ts";
import type { RoutingTicket } from "./routing_ticket.ts";

/** A tracked ticket: everything but the plaintext, plus the sealed text to open on demand. */
export type TrackedTicket = Omit<RoutingTicket, "subject" | "body"> & {
  sealedSubject: string | null;
  sealedBody: string | null;
  /** The actor of the last commit (routing skips reacting to its own changes). */
  lastActorId: string;
  erased: boolean;
};

const STAFF = new Set(["agent", "supervisor", "admin"]);

/** Applies one commit (appended at stream sequence `version`) to what routing knows. */
export function foldCommit(
  ticket: TrackedTicket | undefined,
  commit: TicketCommit,
  version: number,
): TrackedTicket | undefined {
  const { meta } = commit;
  let next = ticket ? { ...ticket } : undefined;
  for (const event of commit.events) {
    if (event.type === "TicketCreated") {
      const d = event.data;
      next = {
        tenant: meta.tenant,
        ticketId: d.ticketId,
        number: d.number,
        requesterId: d.requesterId,
        status: d.status,
        priority: d.priority,
        tags: d.tags,
        assigneeId: d.assigneeId,
        groupId: d.groupId,
        customFields: d.customFields,
        channel: channelOf(d.customFields),
        version,
        createdAt: meta.at,
        updatedAt: meta.at,
        firstResponseAt: null,
        assignedAt: d.assigneeId ? meta.at : null,
        lastStaffReplyAt: null,
        solvedAt: d.status === "solved" ? meta.at : null,
        lastActorRole: meta.actorRole,
        lastActorId: meta.actorId,
        sealedSubject: d.subject,
        sealedBody: null,
        erased: false,
      };
      continue;
    }
    if (!next) return undefined; // a commit for a ticket whose creation routing never saw
    switch (event.type) {
      case "MessagePosted": {
        const d = event.data;
        if (next.sealedBody === null && !next.erased && !d.internal) next.sealedBody = d.body;
        if (STAFF.has(d.authorRole) && !d.internal) {
          next.firstResponseAt ??= meta.at;
          next.lastStaffReplyAt = meta.at;
        }
        break;
      }
      case "TicketStatusChanged":
        next.status = event.data.to;
        if (event.data.to === "solved") next.solvedAt = meta.at;
        else if (event.data.to !== "closed") next.solvedAt = null;
        break;
      case "TicketAssigned":
        if (event.data.assigneeId !== next.assigneeId) {
          next.assignedAt = event.data.assigneeId ? meta.at : null;
        }
        next.assigneeId = event.data.assigneeId;
        next.groupId = event.data.groupId;
        break;
      case "TicketTagsChanged": {
        const removed = new Set(event.data.removed);
        const kept = next.tags.filter((tag) => !removed.has(tag));
        next.tags = [...kept, ...event.data.added.filter((tag) => !kept.includes(tag))];
        break;
      }
      case "TicketPriorityChanged":
        next.priority = event.data.to;
        break;
      case "TicketFieldsChanged": {
        const fields = { ...next.customFields };
        for (const [name, value] of Object.entries(event.data.fields)) {
          if (value === null) delete fields[name];
          else fields[name] = value;
        }
        next.customFields = fields;
        next.channel = channelOf(fields);
        break;
      }
      case "TicketContentErased":
        next.erased = true;
        break;
    }
  }
  if (!next) return undefined;
  next.version = version;
  next.updatedAt = meta.at;
  next.lastActorRole = meta.actorRole;
  next.lastActorId = meta.actorId;
  if (next.status === "closed" || next.erased) {
    next.sealedSubject = null;
    next.sealedBody = null;
  }
  return next;
}

function channelOf(fields: Readonly<Record<string, unknown>>): string {
  return typeof fields.channel === "string" ? fields.channel : "api";
}
