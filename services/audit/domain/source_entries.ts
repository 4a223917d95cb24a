/**
 * Source messages to audit entries, one entry per message, deterministic (a replay from
 * JetStream gives the same entries). Only names of changed fields are kept, never their values:
 * subjects, bodies and names are sealed in the streams, and even sealed they stay out of the log.
 * A message that cannot be decoded still gets an entry (`audit.message.undecodable`), so nothing
 * goes missing silently.
 * @module
 */
import { decodeActivity } from "@ticketd/shared/events/activity.ts";
import { decodeRoutingEvent } from "@ticketd/shared/events/routing.ts";
import { decodeConversationEvent } from "@ticketd/shared/events/sessions.ts";
import { decodeCommit, type TicketEvent } from "@ticketd/shared/events/tickets.ts";
import type { SourceKind, UnchainedEntry } from "./entry.ts";

/** A stored message as JetStream delivered it. */
export interface SourceMessage {
  stream: string;
  seq: number;
  subject: string;
  data: Uint8Array;
  /** The stream's timestamp, ms since the epoch. */
  storedAtMs: number;
}

const decoder = new TextDecoder();
const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The audit entry of `message` from a stream of `kind`. */
export function entryOf(kind: SourceKind, message: SourceMessage): UnchainedEntry {
  try {
    return ENTRY_OF[kind](message);
  } catch {
    return undecodable(message);
  }
}

const ENTRY_OF: Record<SourceKind, (message: SourceMessage) => UnchainedEntry> = {
  tickets: ticketEntry,
  sessions: sessionsEntry,
  routing: routingEntry,
  activity: activityEntry,
};

const TICKET_VERBS: Record<TicketEvent["type"], string> = {
  TicketCreated: "create",
  MessagePosted: "post_message",
  TicketStatusChanged: "change_status",
  TicketAssigned: "assign",
  TicketTagsChanged: "change_tags",
  TicketPriorityChanged: "change_priority",
  TicketFieldsChanged: "change_fields",
  SatisfactionRated: "rate_satisfaction",
  TimeLogged: "log_time",
  AttachmentAdded: "add_attachment",
  TicketContentErased: "erase_content",
  TicketPairReserved: "reserve_pair",
  TicketPairReleased: "release_pair",
  TicketMerged: "merge",
  TicketUnmerged: "unmerge",
  TicketLinked: "link",
  TicketUnlinked: "unlink",
  TicketSplit: "split",
  TicketSplitUndone: "unsplit",
};

function ticketEntry(message: SourceMessage): UnchainedEntry {
  const { meta, events } = decodeCommit(message.data);
  const raw = JSON.parse(decoder.decode(message.data)).meta as Record<string, unknown>;
  const fields = new Set<string>();
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    for (const name of Object.keys(data)) fields.add(name);
    if (event.type === "TicketFieldsChanged") {
      for (const name of Object.keys(event.data.fields)) fields.add(`fields.${name}`);
    }
  }
  const first = events[0]?.type;
  return {
    ...base(message, meta.tenant, meta.at),
    actor: { id: meta.actorId, role: meta.actorRole },
    action: `tickets.ticket.${first ? TICKET_VERBS[first] : "commit"}`,
    target: { type: "ticket", id: meta.ticketId },
    ip: optionalText(raw.ip),
    requestId: optionalText(raw.requestId),
    changes: {
      events: events.map((e) => e.type),
      fields: [...fields].sort(),
      // A service that relayed the customer's command (email): who carried it, beside who did it.
      ...(meta.relayedBy ? { relayedBy: meta.relayedBy } : {}),
    },
  };
}

const SESSION_VERBS: Record<string, string> = {
  joined: "join",
  left: "leave",
  message: "post_message",
  typing: "type",
  read: "read",
  handed_off: "hand_off",
  closed: "close",
};
const SESSION_BASE = new Set(["type", "seq", "at", "from", "ip", "requestId"]);

function sessionsEntry(message: SourceMessage): UnchainedEntry {
  const [, , tenant, conversationId] = tokens(message.subject, 4);
  const event = decodeConversationEvent(message.data);
  const fields = Object.keys(event).filter((name) => !SESSION_BASE.has(name)).sort();
  return {
    ...base(message, tenant, event.at),
    actor: { id: event.from.id, role: event.from.role },
    action: `sessions.conversation.${SESSION_VERBS[event.type]}`,
    target: { type: "conversation", id: conversationId },
    ip: event.ip ?? null, // absent from events before they carried it, and from the bot's
    requestId: event.requestId ?? null,
    changes: { events: [event.type], fields },
  };
}

function routingEntry(message: SourceMessage): UnchainedEntry {
  const event = decodeRoutingEvent(message.data);
  return {
    ...base(message, event.data.tenant, storedAt(message)),
    actor: { id: "svc:routing", role: "service" },
    action: `routing.sla.${event.type === "SlaBreached" ? "breach" : "warn"}`,
    target: { type: "ticket", id: event.data.ticketId },
    changes: { events: [event.type], fields: Object.keys(event.data).sort() },
  };
}

function activityEntry(message: SourceMessage): UnchainedEntry {
  const fact = decodeActivity(message.data);
  return {
    ...base(message, fact.tenant, fact.at),
    actor: fact.actor,
    action: fact.action,
    target: fact.target,
    outcome: fact.outcome,
    ip: fact.source.ip,
    requestId: fact.source.requestId,
    changes: fact.changes ?? {},
  };
}

function undecodable(message: SourceMessage): UnchainedEntry {
  const tenant = message.subject.split(".").find((token, i) => i > 0 && TENANT.test(token));
  return {
    ...base(message, tenant ?? "_unknown", storedAt(message)),
    actor: { id: "unknown", role: "unknown" },
    action: "audit.message.undecodable",
    target: { type: "message", id: message.subject.slice(0, 128) },
    outcome: "failed",
    changes: {},
  };
}

function base(message: SourceMessage, tenant: string, at: string) {
  if (!TENANT.test(tenant)) throw new TypeError("not a tenant");
  return {
    tenant,
    source: { stream: message.stream, seq: message.seq },
    at: new Date(at).toISOString(),
    outcome: "ok",
    ip: null,
    requestId: null,
  };
}

function storedAt(message: SourceMessage): string {
  return new Date(message.storedAtMs).toISOString();
}

function tokens(subject: string, count: number): string[] {
  const parts = subject.split(".");
  if (parts.length !== count) throw new TypeError("unexpected subject");
  return parts;
}

function optionalText(value: unknown): string | null {
  return typeof value === "string" ? value.slice(0, 128) : null;
}
