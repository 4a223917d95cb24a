/**
 * A mail's attachments and inline images handed to the attachments service, as the customer
 * would upload them: by tus (`tus-js-client`) with a short token for the requester, so the
 * attachments service checks, names, scans, encrypts and announces them on the ticket itself.
 * It runs after the ticket event is durable and never holds a mail back: a file that cannot be
 * handed over is logged and stays inside the kept raw mail.
 * @module
 */
import { Buffer } from "node:buffer";
import * as tus from "tus-js-client";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { MailAttachment } from "../domain/mail.ts";

export interface HandOffDeps {
  /** The attachments service, such as `http://127.0.0.1:8084`. */
  url: string;
  /** A bearer token for `requesterId` of `tenant` as a customer. */
  token(tenant: string, requesterId: string): Promise<string>;
  log: Logger;
}

export interface HandedTicket {
  tenant: string;
  ticketId: string;
  requesterId: string;
}

/** Uploads each file to `ticket`; resolves with how many made it. */
export async function handOff(
  deps: HandOffDeps,
  ticket: HandedTicket,
  files: MailAttachment[],
): Promise<number> {
  if (files.length === 0) return 0;
  const token = await deps.token(ticket.tenant, ticket.requesterId);
  let handed = 0;
  for (const file of files) {
    try {
      await upload(deps.url, token, ticket.ticketId, file);
      handed++;
    } catch (error) {
      deps.log.warn("mail attachment not handed over; it stays in the raw mail", {
        tenant: ticket.tenant,
        ticketId: ticket.ticketId,
        mime: file.mime,
        size: file.content.length,
        error: String(error).slice(0, 200),
      });
    }
  }
  return handed;
}

function upload(url: string, token: string, ticketId: string, file: MailAttachment) {
  return new Promise<void>((resolve, reject) => {
    const up = new tus.Upload(Buffer.from(file.content), {
      endpoint: `${url}/v1/attachments/uploads`,
      headers: { authorization: `Bearer ${token}` },
      metadata: { ticketId, filename: file.fileName, filetype: file.mime },
      retryDelays: [],
      onSuccess: () => resolve(),
      onError: (error) => reject(error),
    });
    up.start();
  });
}
