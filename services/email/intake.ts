/**
 * One inbound mail to its durable outcome, the same for SMTP and IMAP: decode it, drop what no
 * person wrote, find the ticket it answers, then post the reply or open the ticket through the
 * ticket commands, and keep the raw mail. It resolves only once all of that is durable; any
 * failure throws, and the caller leaves the mail where it is (SMTP answers 451, IMAP does not
 * flag it) so that it comes again. Coming again is safe: the ticket core claims the mail's
 * external id once (a create), or sees the same idempotency key (a reply).
 * @module
 */
import type { SendTicketCommand } from "@ticketd/shared/commands/ticket_command_client.ts";
import type { TicketAccessReply } from "@ticketd/shared/commands/tickets.ts";
import { DomainError } from "@ticketd/shared/errors.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { type DecodeLimits, parseMail, UnparseableMail } from "./decoding/parse_mail.ts";
import { externalIdFor, replyKeyFor, requesterIdFor } from "./domain/identities.ts";
import { type AutomaticReason, automaticReason, type Ours } from "./domain/loop_guard.ts";
import type { InboundMail, MailAttachment } from "./domain/mail.ts";
import { type RefusedFile, refusedFilesNote } from "./domain/refused_files.ts";
import type { HandedTicket } from "./attachments/hand_off.ts";
import { replyWithoutHistory } from "./domain/reply_text.ts";
import { threadHint } from "./domain/threading.ts";
import { ticketBody, ticketSubject, type TicketTextLimits } from "./domain/ticket_text.ts";
import type { Mailbox } from "./mailboxes.ts";
import type { RawMailStore } from "./storage/raw_store.ts";

export interface IntakeDeps {
  send: SendTicketCommand;
  /** What the ticket core says `requesterId` (as a customer) may do on a ticket. */
  access(tenant: string, requesterId: string, ticketId: string): Promise<TicketAccessReply>;
  /** The id of ticket `number` of `tenant`, or null. */
  ticketByNumber(tenant: string, number: number): Promise<string | null>;
  raw: RawMailStore;
  /** Records the customer's Message-ID (angle brackets) on the ticket, for outbound threading. */
  recordMessageId(tenant: string, ticketId: string, messageId: string): Promise<void>;
  /** Hands the mail's files to the attachments service; resolves with those it did not take. */
  handOff: (ticket: HandedTicket, files: MailAttachment[]) => Promise<RefusedFile[]>;
  limits: TicketTextLimits & DecodeLimits;
  /** What is ours for `tenant`: Message-ID domains and addresses (loop guard, threading). */
  ours(tenant: string): Ours;
  log: Logger;
}

export type IntakeOutcome =
  | { kind: "created" | "replied" | "followed_up"; ticketId: string; duplicate: boolean }
  | { kind: "ignored"; reason: AutomaticReason }
  | { kind: "unparseable"; key: string };

/** A ticket command the ticket core refused for good (not a transient failure). */
export class CommandRefused extends DomainError {}

/** Takes `raw`, which arrived at `mailbox`, in; resolves once its outcome is durable. */
export async function takeIn(
  raw: Uint8Array,
  mailbox: Mailbox,
  deps: IntakeDeps,
): Promise<IntakeOutcome> {
  let mail: InboundMail;
  try {
    mail = await parseMail(raw, deps.limits);
  } catch (error) {
    if (!(error instanceof UnparseableMail)) throw error;
    const key = await deps.raw.keepUnparsed(mailbox.tenant, await sha256(raw), raw);
    deps.log.warn("mail kept undecoded", { tenant: mailbox.tenant, code: error.code, key });
    return { kind: "unparseable", key };
  }
  const reason = automaticReason(mail, deps.ours(mailbox.tenant));
  if (reason) {
    deps.log.info("automatic mail ignored", { tenant: mailbox.tenant, reason });
    return { kind: "ignored", reason };
  }
  const requesterId = requesterIdFor(mail.from!.address);
  const outcome = await act(mail, mailbox, requesterId, deps);
  if (mail.messageId) {
    await deps.recordMessageId(mailbox.tenant, outcome.ticketId, `<${mail.messageId}>`);
  }
  await deps.raw.keep({
    tenant: mailbox.tenant,
    ticketId: outcome.ticketId,
    requesterId,
    contentHash: mail.contentHash,
  }, raw);
  // A repeat hands its files over again: each is found, or resumed if a crash cut it short.
  if (mail.attachments.length > 0) {
    const mailId = externalIdFor(mailbox.address, mail);
    const ticket = { tenant: mailbox.tenant, ticketId: outcome.ticketId, requesterId, mailId };
    const refused = await deps.handOff(ticket, mail.attachments);
    if (refused.length > 0) await noteRefused(ticket, refused, deps);
  }
  deps.log.info("mail taken in", { tenant: mailbox.tenant, ...outcome });
  return outcome;
}

type Acted = Extract<IntakeOutcome, { ticketId: string }>;

async function act(
  mail: InboundMail,
  mailbox: Mailbox,
  requesterId: string,
  deps: IntakeDeps,
): Promise<Acted> {
  const target = await answeredTicket(mail, mailbox, requesterId, deps);
  if (target?.status === "closed") {
    return await open(mail, mailbox, requesterId, deps, target.ticketId);
  }
  if (target) {
    const reply = await deps.send(mailbox.tenant, {
      service: "email",
      ticketId: target.ticketId,
      changes: [{
        type: "PostMessage",
        body: ticketBody(replyWithoutHistory(mail.text), deps.limits),
        internal: false,
      }],
      idempotencyKey: replyKeyFor(mailbox.address, mail),
      // The customer's own words: posted as them (a solved ticket reopens), relayed by svc:email.
      onBehalfOf: { id: requesterId, role: "customer" },
    });
    if (reply.ok) return { kind: "replied", ticketId: reply.ticketId, duplicate: reply.duplicate };
    // Closed since we asked: the tenant's policy is a linked follow-up.
    if (reply.code === "ticket_closed") {
      return await open(mail, mailbox, requesterId, deps, target.ticketId);
    }
    if (reply.code !== "ticket_not_found") {
      throw new CommandRefused(reply.code, reply.message, reply.status);
    }
  }
  return await open(mail, mailbox, requesterId, deps, null);
}

/** The ticket `mail` answers, if the mail names one and its sender is that ticket's requester. */
async function answeredTicket(
  mail: InboundMail,
  mailbox: Mailbox,
  requesterId: string,
  deps: IntakeDeps,
) {
  const hint = threadHint(mail, {
    tenant: mailbox.tenant,
    ownDomains: deps.ours(mailbox.tenant).domains,
    mailboxAddress: mailbox.address,
  });
  if (!hint) return null;
  const ticketId = hint.by === "message_id"
    ? hint.ticketId
    : await deps.ticketByNumber(mailbox.tenant, hint.number);
  if (!ticketId) return null;
  // Anyone can write "[#12]" or forge an In-Reply-To: only the requester's mail joins the ticket.
  const access = await deps.access(mailbox.tenant, requesterId, ticketId);
  return access.visible ? { ticketId, status: access.status } : null;
}

async function open(
  mail: InboundMail,
  mailbox: Mailbox,
  requesterId: string,
  deps: IntakeDeps,
  followUpOf: string | null,
): Promise<Acted> {
  const reply = await deps.send(mailbox.tenant, {
    service: "email",
    create: {
      subject: ticketSubject(mail.subject, deps.limits),
      // A follow-up is a reply too: its quoted history is the closed ticket's.
      body: ticketBody(followUpOf ? replyWithoutHistory(mail.text) : mail.text, deps.limits),
      requesterId,
      tags: ["email"],
      followUpOf,
      externalId: externalIdFor(mailbox.address, mail),
    },
    // The customer opens their ticket by mail: it is theirs from the first message, relayed.
    onBehalfOf: { id: requesterId, role: "customer" },
  });
  if (!reply.ok) throw new CommandRefused(reply.code, reply.message, reply.status);
  const kind = followUpOf ? "followed_up" : "created";
  return { kind, ticketId: reply.ticketId, duplicate: reply.duplicate };
}

/**
 * Tells the agents, in a note by svc:email, which files of the mail are not attachments. Keyed by
 * the mail: the same mail taken in again (its files refused again) notes them once.
 */
async function noteRefused(ticket: HandedTicket, refused: RefusedFile[], deps: IntakeDeps) {
  const reply = await deps.send(ticket.tenant, {
    service: "email",
    ticketId: ticket.ticketId,
    changes: [{
      type: "PostMessage",
      body: ticketBody(refusedFilesNote(refused), deps.limits),
      internal: true,
    }],
    idempotencyKey: `email-files:${ticket.mailId.slice("email:".length)}`,
  });
  if (!reply.ok) throw new CommandRefused(reply.code, reply.message, reply.status);
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
