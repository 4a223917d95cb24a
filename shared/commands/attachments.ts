/**
 * Relayed uploads over NATS: how a channel service (email) hands a customer's file to the
 * attachments service as that customer, without holding a token for them. `open` starts (or
 * finds again) the upload of one file, named by an external identity claimed once per tenant
 * (a mail's identity and part index), and `append` adds the next chunk at the upload's offset.
 * The attachments service runs them through the same pipeline as a tus upload: checked by its
 * bytes, named safely, scanned, encrypted, announced on the ticket.
 *
 * Trust: as for ticket commands, the private NATS is the boundary and a service names itself;
 * the tickets service's relay table (`docs/permissions.md`) says which services may relay, and
 * its access rules that the customer must be the ticket's requester.
 * @module
 */
import { z } from "zod";

/** The subject one tenant's relayed uploads are sent on. */
export function attachmentRelaySubject(tenant: string): string {
  return `ticketd.commands.attachments.${tenant}`;
}

export const ALL_ATTACHMENT_RELAYS = "ticketd.commands.attachments.*";

/** Bytes per `append` (base64 keeps a request well under NATS's default 1 MB payload). */
export const RELAY_CHUNK_BYTES = 256 * 1024;

const id = z.string().regex(/^[1-9][0-9]{0,18}$/);
const principal = z.string().regex(/^[\p{L}\p{N}_.@:+-]{1,128}$/u, "must be a plain id");
const relayed = {
  service: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  onBehalfOf: z.strictObject({ id: principal, role: z.literal("customer") }),
};

export const attachmentRelayRequestSchema = z.discriminatedUnion("op", [
  z.strictObject({
    op: z.literal("open"),
    ...relayed,
    ticketId: id,
    /** Claimed once per tenant: opening it again finds the same upload (or its attachment). */
    externalId: z.string().min(1).max(256),
    fileName: z.string().min(1).max(255),
    mime: z.string().max(127),
    size: z.number().int().nonnegative(),
  }),
  z.strictObject({
    op: z.literal("append"),
    ...relayed,
    uploadId: id,
    offset: z.number().int().nonnegative(),
    /** base64, at most {@link RELAY_CHUNK_BYTES} bytes decoded. */
    chunk: z.string().max(Math.ceil(RELAY_CHUNK_BYTES / 3) * 4),
  }),
]);
export type AttachmentRelayRequest = z.infer<typeof attachmentRelayRequestSchema>;

export type AttachmentRelayReply =
  | { ok: true; uploadId: string; offset: number; complete: boolean }
  | { ok: false; code: string; message: string; status: number };
