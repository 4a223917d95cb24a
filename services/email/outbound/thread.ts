/**
 * What outbound needs to know about a ticket, folded from its commits (pure): whether it is an
 * email ticket, who to write to (its requester and those of tickets merged into it), its number
 * and sealed subject, and its language hints.
 * @module
 */
import type { TicketCommit } from "@ticketd/shared/events/tickets.ts";

/** The actor the email service's ticket commands are recorded under. */
export const EMAIL_SERVICE_ACTOR = "svc:email";
const ADDRESS = /^[^\s@<>()",;:\\[\]]{1,64}@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9-]+)+$/i;

export interface EmailThread {
  tenant: string;
  ticketId: string;
  number: number;
  /** The requester's address, or null when the requester id is not one. */
  recipient: string | null;
  sealedSubject: string;
  /** Created by the email service, tagged `channel:email`, or custom field `channel: "email"`. */
  isEmail: boolean;
  /** The requester's language as the ticket says it (custom field `language`/`locale`, `lang:` tag). */
  languageHint: string | null;
  erased: boolean;
  /** Tickets merged into this one, by merge, with their requesters: answered here, so mailed here. */
  merged: readonly MergedTickets[];
}

export interface MergedTickets {
  mergeId: string;
  tickets: readonly { ticketId: string; requesterId: string }[];
}

/** Folds a ticket's commits, oldest first; null until its `TicketCreated`. */
export function foldThread(commits: readonly TicketCommit[]): EmailThread | null {
  let thread: EmailThread | null = null;
  for (const commit of commits) thread = evolveThread(thread, commit);
  return thread;
}

/** One commit applied to the thread. */
export function evolveThread(thread: EmailThread | null, commit: TicketCommit): EmailThread | null {
  let next = thread;
  for (const event of commit.events) {
    if (event.type === "TicketCreated") {
      const d = event.data;
      const channel = d.customFields.channel;
      next = {
        tenant: commit.meta.tenant,
        ticketId: d.ticketId,
        number: d.number,
        recipient: addressOf(d.requesterId),
        sealedSubject: d.subject,
        isEmail: commit.meta.actorId === EMAIL_SERVICE_ACTOR || channel === "email" ||
          d.tags.includes("channel:email"),
        languageHint: languageOf(d.customFields, d.tags),
        erased: false,
        merged: [],
      };
    } else if (!next) continue;
    else if (event.type === "TicketFieldsChanged") {
      next = { ...next, languageHint: languageOf(event.data.fields, []) ?? next.languageHint };
    } else if (event.type === "TicketTagsChanged") {
      next = { ...next, languageHint: languageOf({}, event.data.added) ?? next.languageHint };
    } else if (event.type === "TicketContentErased") next = { ...next, erased: true };
    else if (event.type === "TicketMerged" && event.data.targetId === next.ticketId) {
      const { mergeId, tickets } = event.data;
      next = { ...next, merged: [...next.merged, { mergeId, tickets }] };
    } else if (event.type === "TicketUnmerged" && event.data.targetId === next.ticketId) {
      const { mergeId } = event.data;
      next = { ...next, merged: next.merged.filter((m) => m.mergeId !== mergeId) };
    }
  }
  return next;
}

/**
 * Who a mail on `thread` goes to, the first as To: the requester of an email ticket, and the
 * requesters of tickets merged into it that have an address (on a ticket that is not an email
 * ticket, those who wrote in by mail: `email:` ids). Each address once.
 */
export function recipientsOf(thread: EmailThread): string[] {
  const own = thread.isEmail && thread.recipient ? [thread.recipient] : [];
  const merged = thread.merged.flatMap((m) => m.tickets).flatMap(({ requesterId }) => {
    const address = addressOf(requesterId);
    return address && (thread.isEmail || requesterId.startsWith("email:")) ? [address] : [];
  });
  const seen = new Set<string>();
  return [...own, ...merged].filter((a) => !seen.has(a.toLowerCase()) && seen.add(a.toLowerCase()));
}

/** `alice@example.com` or `email:alice@example.com` as an address; anything else null. */
export function addressOf(requesterId: string): string | null {
  const candidate = requesterId.startsWith("email:") ? requesterId.slice(6) : requesterId;
  return ADDRESS.test(candidate) ? candidate : null;
}

function languageOf(fields: Readonly<Record<string, unknown>>, tags: readonly string[]) {
  for (const value of [fields.language, fields.locale]) {
    if (typeof value === "string" && value !== "") return value;
  }
  const tag = tags.find((t) => t.startsWith("lang:"));
  return tag ? tag.slice(5) : null;
}
