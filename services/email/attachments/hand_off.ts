/**
 * A mail's attachments and inline images handed to the attachments service as the customer's,
 * by relayed uploads over NATS (`shared/commands/attachments.ts`): no token for the customer is
 * needed, and the attachments service checks, names, scans, encrypts and announces each file on
 * the ticket itself. Each file is named by the mail's identity and its part index, so the same
 * mail taken in again (after a crash) resumes or finds its files instead of adding them twice.
 * It never holds a mail back: a file that cannot be handed over is logged, stays inside the
 * kept raw mail, and is returned so that the intake can tell the agents.
 * @module
 */
import type { NatsConnection } from "@nats-io/nats-core";
import {
  type AttachmentRelayReply,
  type AttachmentRelayRequest,
  attachmentRelaySubject,
  RELAY_CHUNK_BYTES,
} from "@ticketd/shared/commands/attachments.ts";
import { encodeBase64 } from "@ticketd/shared/crypto/base64.ts";
import { DomainError } from "@ticketd/shared/errors.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { MailAttachment } from "../domain/mail.ts";
import type { RefusedFile } from "../domain/refused_files.ts";

export interface HandOffDeps {
  nc: NatsConnection;
  timeoutMs: number;
  log: Logger;
}

export interface HandedTicket {
  tenant: string;
  ticketId: string;
  requesterId: string;
  /** The mail's identity (its external id): with a part index, each file's. */
  mailId: string;
}

/** A relayed upload the attachments service answered with a refusal (its code). */
class RelayRefused extends DomainError {}

/** Hands each file to `ticket`; resolves with the files that are not there, and why. */
export async function handOff(
  deps: HandOffDeps,
  ticket: HandedTicket,
  files: MailAttachment[],
): Promise<RefusedFile[]> {
  const refused: RefusedFile[] = [];
  for (const [index, file] of files.entries()) {
    try {
      await relay(deps, ticket, `${ticket.mailId}#${index}`, file);
    } catch (error) {
      // A refusal names its code; anything else (a timeout) means the service was away.
      const reason = error instanceof RelayRefused ? error.code : "unavailable";
      refused.push({ fileName: file.fileName, mime: file.mime, size: file.content.length, reason });
      deps.log.warn("mail attachment not handed over; it stays in the raw mail", {
        tenant: ticket.tenant,
        ticketId: ticket.ticketId,
        mime: file.mime,
        size: file.content.length,
        reason,
        error: String(error).slice(0, 200),
      });
    }
  }
  return refused;
}

async function relay(
  deps: HandOffDeps,
  ticket: HandedTicket,
  externalId: string,
  file: MailAttachment,
) {
  const relayed = {
    service: "email",
    onBehalfOf: { id: ticket.requesterId, role: "customer" as const },
  };
  let at = await ask(deps, ticket.tenant, {
    op: "open",
    ...relayed,
    ticketId: ticket.ticketId,
    externalId,
    fileName: file.fileName,
    mime: file.mime,
    size: file.content.length,
  });
  // From wherever the upload is: 0 when new, further when a crash cut an earlier hand-off short.
  while (!at.complete) {
    const chunk = file.content.subarray(at.offset, at.offset + RELAY_CHUNK_BYTES);
    at = await ask(deps, ticket.tenant, {
      op: "append",
      ...relayed,
      uploadId: at.uploadId,
      offset: at.offset,
      chunk: encodeBase64(chunk),
    });
  }
}

async function ask(deps: HandOffDeps, tenant: string, request: AttachmentRelayRequest) {
  const answer = await deps.nc.request(attachmentRelaySubject(tenant), JSON.stringify(request), {
    timeout: deps.timeoutMs,
  });
  const reply = answer.json<AttachmentRelayReply>();
  if (!reply.ok) throw new RelayRefused(reply.code, reply.message, reply.status);
  return reply;
}
