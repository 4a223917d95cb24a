/**
 * Which ticket a mail answers, as far as the mail itself says: one of our Message-IDs in
 * In-Reply-To or References (most reliable: it names the ticket), else a `[#<number>]` token in
 * the subject, else a plus-address (`support+<number>@`) on the mailbox's own address.
 * @module
 */
import type { InboundMail } from "./mail.ts";
import { ticketOfMessageId } from "./message_ids.ts";

export type ThreadHint =
  | { by: "message_id"; ticketId: string }
  | { by: "subject" | "address"; number: number }
  | null;

export interface ThreadContext {
  tenant: string;
  /** The domains our Message-IDs carry for this tenant. */
  ownDomains: readonly string[];
  /** The mailbox's address, such as `support@acme.example`. */
  mailboxAddress: string;
}

const SUBJECT_TOKEN = /\[#([1-9][0-9]{0,15})\]/;

/** The ticket `mail` names, by the first rule that finds one; null for a new conversation. */
export function threadHint(mail: InboundMail, context: ThreadContext): ThreadHint {
  // In-Reply-To is the direct parent; References run oldest first, so the newest is tried first.
  for (const id of [...mail.inReplyTo, ...[...mail.references].reverse()]) {
    const ref = ticketOfMessageId(id);
    if (ref && isOurs(ref.domain, context.ownDomains) && ref.tenant === context.tenant) {
      return { by: "message_id", ticketId: ref.ticketId };
    }
  }
  const token = SUBJECT_TOKEN.exec(mail.subject);
  if (token) return { by: "subject", number: Number(token[1]) };
  const plus = plusNumber(mail.recipients, context.mailboxAddress);
  return plus === null ? null : { by: "address", number: plus };
}

/** True when `id` is a Message-ID we minted (on one of `ownDomains`): our own mail come back. */
export function isOurMessageId(id: string, ownDomains: readonly string[]): boolean {
  const ref = ticketOfMessageId(id);
  return ref !== null && isOurs(ref.domain, ownDomains);
}

function isOurs(domain: string, ownDomains: readonly string[]): boolean {
  return ownDomains.some((own) => own.toLowerCase() === domain);
}

/** `support+42@acme.example` for mailbox `support@acme.example` gives 42. */
function plusNumber(recipients: string[], mailboxAddress: string): number | null {
  const [local, domain] = splitAddress(mailboxAddress);
  for (const recipient of recipients) {
    const [rLocal, rDomain] = splitAddress(recipient);
    if (rDomain !== domain || !rLocal.startsWith(`${local}+`)) continue;
    const tag = rLocal.slice(local.length + 1);
    if (/^[1-9][0-9]{0,15}$/.test(tag)) return Number(tag);
  }
  return null;
}

function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf("@");
  return [address.slice(0, at).toLowerCase(), address.slice(at + 1).toLowerCase()];
}

/** The plus-address of ticket `number` on `mailboxAddress`, for the outbound Reply-To. */
export function replyAddressFor(mailboxAddress: string, number: number): string {
  const [local, domain] = splitAddress(mailboxAddress);
  return `${local}+${number}@${domain}`;
}

/** True when `address` is `mailboxAddress` or one of its plus-addresses. */
export function isMailboxAddress(address: string, mailboxAddress: string): boolean {
  const [local, domain] = splitAddress(mailboxAddress);
  const [rLocal, rDomain] = splitAddress(address);
  return rDomain === domain && (rLocal === local || rLocal.startsWith(`${local}+`));
}
