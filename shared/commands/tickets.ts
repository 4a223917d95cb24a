/**
 * Ticket commands over NATS: how other services (routing, sessions) open and change tickets
 * without touching the tickets read model. A request on `ticketCommandSubject(tenant)` is answered
 * by one tickets instance (queue group `tickets`) after the decision is durable in JetStream, or
 * refused with the same codes the HTTP API uses.
 *
 * Trust: the private NATS is the boundary (credentials and TLS on every hop); a command runs as
 * the service that names itself, `svc:<service>`, with supervisor rights, or, for a relaying
 * service (`onBehalfOf`), as the ticket's requester with a customer's rights. Text (a new ticket's
 * subject and body, a message) is sealed by the tickets service on arrival, as over HTTP, and is
 * held to the same limits.
 * @module
 */
import { z } from "zod";
import { PRIORITIES, TICKET_STATUSES } from "../events/tickets.ts";
import { plainString, text } from "../http/text.ts";

/** The subject one tenant's ticket commands are sent on. */
export function ticketCommandSubject(tenant: string): string {
  return `ticketd.commands.tickets.${tenant}`;
}

/** Every tenant's command subject, for the responder. */
export const ALL_TICKET_COMMANDS = "ticketd.commands.tickets.*";

/** Changes in one command (routing sends at most priority, tags and assignment). */
const MAX_CHANGES = 10;
const id = z.string().regex(/^[1-9][0-9]{0,18}$/);
const principal = z.string().regex(/^[\p{L}\p{N}_.@:+-]{1,128}$/u, "must be a plain id");
const tag = plainString(64);
const service = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/);
const idempotencyKey = z.string().min(1).max(200);
/** Where the person the service acts for came from (kept in the commit's meta), when known. */
const source = z.strictObject({
  ip: z.string().max(64).nullable(),
  requestId: z.string().max(128).nullable(),
});

export interface CommandTextLimits {
  maxSubjectChars: number;
  maxBodyChars: number;
}

/** The request schemas for the tickets service's text limits. */
export function ticketCommandSchemas(limits: CommandTextLimits) {
  const body = text(limits.maxBodyChars);
  const change = z.discriminatedUnion("type", [
    z.object({ type: z.literal("ChangePriority"), to: z.enum(PRIORITIES) }),
    z.object({
      type: z.literal("ChangeTags"),
      add: z.array(tag).max(50),
      remove: z.array(tag).max(50),
    }),
    z.object({
      type: z.literal("AssignTicket"),
      assigneeId: principal.nullable(),
      groupId: principal.nullable(),
    }),
    z.object({ type: z.literal("ChangeStatus"), to: z.enum(TICKET_STATUSES) }),
    z.object({ type: z.literal("PostMessage"), body, internal: z.boolean() }),
    z.object({
      type: z.literal("AddAttachment"),
      attachmentId: id,
      fileName: text(255, { singleLine: true }),
      mime: plainString(127),
      size: z.number().int().nonnegative(),
      contentId: z.string().regex(/^[0-9a-f]{64}$/),
      uploaderId: principal,
    }),
  ]);
  /**
   * The ticket's requester whose own words the service relays (a customer's mail): the change is
   * decided as theirs, the service kept in the commit's meta. Only for the services the tickets
   * permission table lets relay (`RELAYING_SERVICES`); anyone else is refused.
   */
  const onBehalfOf = z.strictObject({ id: principal, role: z.literal("customer") }).optional();
  const changeRequest = z.strictObject({
    /** The calling service; the actor becomes `svc:<service>`. */
    service,
    ticketId: id,
    /** Applied in order as one commit: all of them, or none. */
    changes: z.array(change).min(1).max(MAX_CHANGES),
    /** The version the change was decided on; a stale one is refused with `version_conflict`. */
    ifMatch: z.number().int().nonnegative().optional(),
    /** Same key, same request: answered once (two instances deciding alike append once). */
    idempotencyKey: idempotencyKey.optional(),
    source: source.optional(),
    onBehalfOf,
  });
  const createRequest = z.strictObject({
    service,
    create: z.strictObject({
      subject: text(limits.maxSubjectChars, { singleLine: true }),
      body,
      /** Whose ticket it is: they can see and answer it. */
      requesterId: principal,
      priority: z.enum(PRIORITIES).default("normal"),
      tags: z.array(tag).max(50).default([]),
      groupId: principal.nullable().default(null),
      followUpOf: id.nullable().default(null),
      /** Claimed once per tenant, forever (an e-mail's Message-ID): a repeat finds the first. */
      externalId: plainString(256).nullable().default(null),
    }),
    idempotencyKey: idempotencyKey.optional(),
    source: source.optional(),
    /** A ticket opened by the requester's own mail: theirs, with the relay's external id. */
    onBehalfOf,
  });
  return { change, changeRequest, createRequest, request: z.union([changeRequest, createRequest]) };
}

const defaults = ticketCommandSchemas({ maxSubjectChars: 500, maxBodyChars: 200_000 });
export type ServiceChange = z.infer<typeof defaults.change>;
export type TicketChangeRequest = z.input<typeof defaults.changeRequest>;
export type TicketCreateRequest = z.input<typeof defaults.createRequest>;
export type TicketCommandRequest = TicketChangeRequest | TicketCreateRequest;

export type TicketCommandReply =
  | { ok: true; ticketId: string; version: number; duplicate: boolean; changed: boolean }
  | {
    ok: false;
    code: string;
    message: string;
    status: number;
    /** With `version_conflict`: where the ticket is now. */
    currentVersion?: number;
  };

/** The actor id a service's commands are recorded under. */
export function serviceActorId(service: string): string {
  return `svc:${service}`;
}

/**
 * What a service asks before acting for a person on a ticket (the attachments service, before an
 * upload or a download): may this principal see it, and add to it? Request/reply on
 * `ticketAccessSubject(tenant)`; a ticket the principal may not see answers `visible: false`,
 * exactly like a ticket that does not exist.
 */
export function ticketAccessSubject(tenant: string): string {
  return `ticketd.access.tickets.${tenant}`;
}

export const ALL_TICKET_ACCESS = "ticketd.access.tickets.*";

export const ticketAccessRequestSchema = z.strictObject({
  ticketId: id,
  principal: z.strictObject({
    id: principal,
    role: z.enum(["customer", "auditor", "agent", "supervisor", "admin"]),
    groups: z.array(principal).max(256),
  }),
  /** The service asking for a customer it relays: it must be in the tickets relay table. */
  relayedBy: service.optional(),
  /**
   * Reading only: a merged ticket the person cannot see is visible when the ticket it went into
   * is (they see its messages there), so its files can be read where they are listed.
   */
  throughMerges: z.boolean().optional(),
});
export type TicketAccessRequest = z.infer<typeof ticketAccessRequestSchema>;

export type TicketAccessReply =
  | { visible: false }
  | {
    visible: true;
    canAdd: boolean;
    requesterId: string;
    status: string;
    /** Tickets merged into this one, shown on it (their files too); absent when none. */
    merged?: string[];
  };
