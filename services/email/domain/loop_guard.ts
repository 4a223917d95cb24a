/**
 * Mail that no person wrote must never open a ticket or post a reply, or two help desks (or a
 * help desk and a vacation responder) answer each other forever. RFC 3834 and the de-facto
 * headers of bulk senders and bounces are checked, and our own Message-IDs (a mail of ours that
 * came back) too.
 * @module
 */
import type { InboundMail } from "./mail.ts";
import { isMailboxAddress, isOurMessageId } from "./threading.ts";

/** What is ours for one tenant: the domains of our Message-IDs, the addresses we send from. */
export interface Ours {
  domains: readonly string[];
  /** Mailbox and sender addresses: mail from one of them (or its plus-addresses) is our echo. */
  addresses: readonly string[];
}

export type AutomaticReason =
  | "auto_submitted"
  | "precedence"
  | "autoreply_header"
  | "bounce"
  | "our_own_message"
  | "from_ourselves"
  | "mailing_list";

const BULK_PRECEDENCE = new Set(["bulk", "junk", "list", "auto_reply"]);
const AUTOREPLY_HEADERS = ["x-autoreply", "x-autorespond", "x-auto-response-suppress"];
const BOUNCE_SENDERS = /^(mailer-daemon|postmaster)@/;

/** Why `mail` is automatic (never to be acted on), or null when a person sent it. */
export function automaticReason(
  mail: InboundMail,
  ours: Ours,
): AutomaticReason | null {
  const h = mail.headers;
  const autoSubmitted = (h["auto-submitted"] ?? "").trim().toLowerCase();
  if (autoSubmitted !== "" && autoSubmitted !== "no") return "auto_submitted";
  if (BULK_PRECEDENCE.has((h["precedence"] ?? "").trim().toLowerCase())) return "precedence";
  if (AUTOREPLY_HEADERS.some((name) => name in h)) return "autoreply_header";
  if (isBounce(mail)) return "bounce";
  if (mail.messageId && isOurMessageId(mail.messageId, ours.domains)) return "our_own_message";
  const from = mail.from?.address ?? "";
  if (ours.addresses.some((own) => isMailboxAddress(from, own))) return "from_ourselves";
  if ("list-id" in h || "list-unsubscribe" in h) return "mailing_list";
  return null;
}

function isBounce(mail: InboundMail): boolean {
  if (mail.from && BOUNCE_SENDERS.test(mail.from.address)) return true;
  // A null reverse path (`Return-Path: <>`) is what every delivery report carries.
  if ((mail.headers["return-path"] ?? "").trim() === "<>") return true;
  const type = (mail.headers["content-type"] ?? "").toLowerCase();
  return type.includes("multipart/report");
}
