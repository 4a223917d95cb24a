/**
 * The headers that thread a mail (pure): our Message-ID, In-Reply-To and References back to the
 * customer's first mail and our earlier mails on the ticket, a subject carrying `[#<number>]`, and
 * RFC 3834 marks on notifications so mail software does not answer them.
 * @module
 */
import { messageIdFor } from "../domain/message_ids.ts";
import { replyAddressFor } from "../domain/threading.ts";
import type { PlannedMail } from "./mail_plan.ts";
import type { RenderedMail } from "./templates.ts";
import type { EmailThread } from "./thread.ts";

/** A mail ready for the SMTP client, with no secrets and nothing left to decide. */
export interface OutgoingMail {
  from: { name: string; address: string };
  to: string;
  /** Requesters of tickets merged into this one: in the envelope only, never in a header. */
  bcc: string[];
  replyTo: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  headers: Record<string, string>;
}

export interface Sender {
  from: { name: string; address: string };
  /** The mailbox replies go to (default the From address); its `+<number>` form is used. */
  replyTo?: string;
  /** The domain of our Message-IDs. */
  domain: string;
}

/** References kept: the first (the thread's root) and the latest ones. */
const MAX_REFERENCES = 20;
const MESSAGE_ID = /^<[^<>\s@]+@[^<>\s@]+>$/;
const REPLY_PREFIX = /^\s*((re|fwd?|aw|sv|回复|答复|转发)\s*[:：]\s*)+/i;
const TICKET_TOKEN = /\s*\[#\d+\]\s*/g;

/** Where the mail sits in its conversation. */
export interface ThreadPlace {
  /** Mails planned on the ticket before this one (oldest first): ours, whose ids we know. */
  earlier: readonly PlannedMail[];
  /** The customer's Message-IDs on the ticket, oldest first (see `customer_mail_ids.ts`). */
  customerIds: readonly string[];
  /**
   * The customers' Message-IDs on tickets merged into this one (the first and latest of each):
   * referred to last, so each merged requester's mail program keeps the reply in their thread.
   */
  mergedCustomerIds?: readonly string[];
}

/**
 * The mail for `mail` of `thread`. References run from the customer's first mail through our
 * earlier ones to the customer's latest, which In-Reply-To answers (else our latest).
 */
export function composeMail(
  thread: EmailThread & { recipient: string; bcc?: readonly string[] },
  mail: PlannedMail,
  place: ThreadPlace,
  rendered: RenderedMail,
  sender: Sender,
): OutgoingMail {
  const idOf = (m: PlannedMail) =>
    messageIdFor(thread.tenant, thread.ticketId, m.eventId, sender.domain);
  const customer = place.customerIds.filter((id) => MESSAGE_ID.test(id));
  const own = [...customer.slice(0, 1), ...place.earlier.map(idOf), ...customer.slice(1)];
  const merged = (place.mergedCustomerIds ?? []).filter((id) => MESSAGE_ID.test(id));
  const chain = [...own, ...merged];
  const references = chain.length > MAX_REFERENCES
    ? [chain[0], ...chain.slice(chain.length - MAX_REFERENCES + 1)]
    : chain;
  const inReplyTo = customer.at(-1) ?? own.at(-1) ?? merged.at(-1);
  return {
    from: sender.from,
    to: thread.recipient,
    bcc: [...(thread.bcc ?? [])],
    replyTo: replyAddressFor(sender.replyTo ?? sender.from.address, thread.number),
    subject: withTicketToken(rendered.subject, thread.number),
    text: rendered.text,
    html: rendered.html,
    messageId: idOf(mail),
    ...(inReplyTo ? { inReplyTo } : {}),
    references,
    headers: {
      "X-Auto-Response-Suppress": "All",
      ...(mail.kind === "reply" ? {} : { "Auto-Submitted": autoSubmitted(mail) }),
      "Content-Language": rendered.language,
    },
  };
}

/** The customer's subject without reply prefixes or an old ticket token, for the template. */
export function bareSubject(subject: string): string {
  return subject.replace(TICKET_TOKEN, " ").replace(REPLY_PREFIX, "").trim();
}

function withTicketToken(subject: string, number: number): string {
  return subject.includes(`[#${number}]`) ? subject : `${subject} [#${number}]`;
}

/** The ticket-received mail answers the customer's; the solved notice is the system's own. */
function autoSubmitted(mail: PlannedMail): string {
  return mail.kind === "created" ? "auto-replied" : "auto-generated";
}
