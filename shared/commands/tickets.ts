/**
 * Ticket commands over NATS: how other services (routing, sessions) change a ticket without
 * touching its read model. A request on `ticketCommandSubject(tenant)` is answered by one tickets
 * instance (queue group `tickets`) after the decision is durable in JetStream, or refused with
 * the same codes the HTTP API uses.
 *
 * Trust: the private NATS is the boundary (credentials and TLS); a command runs as the service
 * that names itself, `svc:<service>`, with supervisor rights. Only the changes services need are
 * offered, and text is never accepted here.
 * @module
 */
import { z } from "zod";
import { PRIORITIES, TICKET_STATUSES } from "../events/tickets.ts";

/** The subject one tenant's ticket commands are sent on. */
export function ticketCommandSubject(tenant: string): string {
  return `ticketd.commands.tickets.${tenant}`;
}

/** Every tenant's command subject, for the responder. */
export const ALL_TICKET_COMMANDS = "ticketd.commands.tickets.*";

const id = z.string().regex(/^[1-9][0-9]{0,18}$/);
/** Changes in one command (routing sends at most priority, tags and assignment). */
const MAX_CHANGES = 10;
const principal = z.string().min(1).max(128);
const tag = z.string().min(1).max(64);

export const serviceChangeSchema = z.discriminatedUnion("type", [
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
]);
export type ServiceChange = z.infer<typeof serviceChangeSchema>;

export const ticketCommandRequestSchema = z.object({
  /** The calling service; the actor becomes `svc:<service>`. */
  service: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  ticketId: id,
  /** Applied in order as one commit: all of them, or none. */
  changes: z.array(serviceChangeSchema).min(1).max(MAX_CHANGES),
  /** The version the change was decided on; a stale one is refused with `version_conflict`. */
  ifMatch: z.number().int().nonnegative().optional(),
  /** Same key, same request: answered once (two instances deciding alike append once). */
  idempotencyKey: z.string().min(1).max(200).optional(),
});
export type TicketCommandRequest = z.infer<typeof ticketCommandRequestSchema>;

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
