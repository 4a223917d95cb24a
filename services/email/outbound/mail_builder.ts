/**
 * Builds the mail an outbox entry names, at sending time: the ticket folded up to the source
 * event, its subject and the reply opened with the keyring, the template filled, the threading
 * headers set. Text is opened only here, in memory, for the SMTP session.
 * @module
 */
import type { Envelope } from "@ticketd/shared/crypto/envelope.ts";
import type { EventStore } from "@ticketd/shared/eventstore/port.ts";
import { bareSubject, composeMail, type OutgoingMail } from "./compose.ts";
import type { CustomerMailIds } from "./customer_mail_ids.ts";
import { mailLanguage } from "./language.ts";
import { type PlannedMail, plannedMails } from "./mail_plan.ts";
import type { OutboxEntry } from "./outbox.ts";
import type { RelaySettings, TenantSender } from "./senders.ts";
import { renderMail } from "./templates.ts";
import { foldThread, type MergedTickets, recipientsOf } from "./thread.ts";
import { historyUpTo, type PositionedCommit } from "./ticket_history.ts";
import { surveyInvite, type SurveyInvites } from "./survey_invite.ts";

/** A mail that can never be sent (retrying cannot help); `code` says why. */
export class UnsendableMail extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "UnsendableMail";
  }
}

export interface BuiltMail {
  relay: RelaySettings;
  mail: OutgoingMail;
}

export interface MailBuilderDeps {
  store: EventStore;
  envelope: Envelope;
  senders: ReadonlyMap<string, TenantSender>;
  customerIds: CustomerMailIds;
  /** Signs the CSAT link of solved notices (absent: none is sent). */
  survey?: SurveyInvites;
}

/** The mail of `entry`, or {@link UnsendableMail}. */
export async function buildMail(deps: MailBuilderDeps, entry: OutboxEntry): Promise<BuiltMail> {
  const sender = deps.senders.get(entry.tenant);
  if (!sender) throw new UnsendableMail("no_sender", `Tenant ${entry.tenant} has no sender`);
  const history = await historyUpTo(deps.store, entry.tenant, entry.ticketId, entry.seq);
  const thread = foldThread(history.map((h) => h.commit));
  const [to, ...bcc] = thread ? recipientsOf(thread) : [];
  if (!thread || !to) throw new UnsendableMail("no_recipient", "The requester has no address");
  const sourceCommit = history.find((h) => h.seq === entry.seq)?.commit;
  const source = sourceCommit?.events[entry.index];
  if (!source) throw new UnsendableMail("source_missing", "The source event is not in the stream");
  const scope = { tenant: entry.tenant, ticketId: entry.ticketId };
  const subject = await deps.envelope.openUnlessErased(thread.sealedSubject, scope);
  const body = source.type === "MessagePosted"
    ? await deps.envelope.openUnlessErased(source.data.body, scope)
    : "";
  if (subject === null || body === null || thread.erased) {
    throw new UnsendableMail("content_erased", "The ticket's text was erased");
  }
  const planned = { kind: entry.kind, seq: entry.seq, index: entry.index, eventId: entry.eventId };
  const language = mailLanguage(thread.languageHint, subject, sender.language);
  const rendered = renderMail(entry.kind, language, {
    number: String(thread.number),
    subject: bareSubject(subject),
    body,
    sender: sender.from.name,
    survey: entry.kind === "solved"
      ? surveyInvite(
        deps.survey,
        sender.surveyUrl,
        language,
        history.map((h) => h.commit),
        sourceCommit!.meta.at,
      )
      : "",
  });
  const place = {
    earlier: earlierMails(history, planned, sender),
    customerIds: await deps.customerIds.list(entry.tenant, entry.ticketId),
    mergedCustomerIds: await mergedCustomerIds(deps.customerIds, entry.tenant, thread.merged),
  };
  return {
    relay: sender.smtp,
    mail: composeMail({ ...thread, recipient: to, bcc }, planned, place, rendered, {
      from: sender.from,
      ...(sender.replyTo ? { replyTo: sender.replyTo } : {}),
      domain: sender.domain,
    }),
  };
}

/** The first and latest customer Message-IDs of each ticket merged into this one. */
async function mergedCustomerIds(
  customerIds: CustomerMailIds,
  tenant: string,
  merged: readonly MergedTickets[],
): Promise<string[]> {
  const tickets = merged.flatMap((m) => m.tickets);
  const lists = await Promise.all(tickets.map((t) => customerIds.list(tenant, t.ticketId)));
  return lists.flatMap((ids) => ids.length > 1 ? [ids[0], ids.at(-1)!] : ids);
}

/** The mails planned on the ticket before `mail`, whose Message-IDs it refers to. */
function earlierMails(
  history: readonly PositionedCommit[],
  mail: PlannedMail,
  sender: TenantSender,
): PlannedMail[] {
  return history.flatMap((h) => plannedMails(h.commit, h.seq, sender.notify)).filter((m) =>
    m.seq < mail.seq || (m.seq === mail.seq && m.index < mail.index)
  );
}
