/**
 * The ids a mail is known by in the ticket core: who wrote it (the requester principal) and
 * which mail it is (the external id the tickets service claims once per tenant, forever).
 * @module
 */
import { createHash } from "node:crypto";
import type { InboundMail } from "./mail.ts";

const PRINCIPAL = /^[\p{L}\p{N}_.@:+-]{1,128}$/u;
/** One `@` between a local part and a dotted domain: what a plain address looks like. */
const PLAIN_ADDRESS = /^[^@]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*$/u;

/**
 * The requester principal of sender `address`: `email:<address>` for a plain address, else
 * hashed (a principal must not look like an address it is not, such as `broken@@x.example`).
 */
export function requesterIdFor(address: string): string {
  const lower = address.toLowerCase();
  const plain = `email:${lower}`;
  if (PLAIN_ADDRESS.test(lower) && PRINCIPAL.test(plain)) return plain;
  return `email:sha256:${sha256(lower).slice(0, 40)}`;
}

/**
 * The external id of `mail` arriving at `mailboxAddress`: its Message-ID, or its content hash when
 * it has none. The same mail by SMTP and by IMAP of the same mailbox gets the same id.
 */
export function externalIdFor(mailboxAddress: string, mail: InboundMail): string {
  const identity = mail.messageId ? `id:${mail.messageId}` : `hash:${mail.contentHash}`;
  return `email:${sha256(`${mailboxAddress.toLowerCase()}\n${identity}`).slice(0, 48)}`;
}

/** The idempotency key of the reply `mail` makes on a ticket (same mail, same key). */
export function replyKeyFor(mailboxAddress: string, mail: InboundMail): string {
  return `email-reply:${externalIdFor(mailboxAddress, mail).slice("email:".length)}`;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
