/**
 * Which mails a ticket commit asks for (pure): an agent's public reply, and the notifications a
 * tenant turned on (ticket received, ticket solved). Each mail is named by its source event's
 * position (stream sequence and index in the commit), so a redelivered commit plans the same ids.
 * @module
 */
import type { TicketCommit } from "@ticketd/shared/events/tickets.ts";

export type MailKind = "reply" | "created" | "solved";

/** The notifications a tenant sends besides agents' replies. */
export interface NotifyPolicy {
  created: boolean;
  solved: boolean;
}

export interface PlannedMail {
  kind: MailKind;
  /** Where the source event sits: the commit's stream sequence and the event's index. */
  seq: number;
  index: number;
  /** The id inside the mail's Message-ID: the message's own id for replies. */
  eventId: string;
}

const AGENT_ROLES = new Set(["agent", "supervisor", "admin"]);

/** The mails `commit` (stored at `seq`) asks for, in event order. */
export function plannedMails(
  commit: TicketCommit,
  seq: number,
  notify: NotifyPolicy,
): PlannedMail[] {
  const mails: PlannedMail[] = [];
  const eventIdAt = (index: number) => `${commit.meta.commandId}-${index}`;
  commit.events.forEach((event, index) => {
    if (event.type === "MessagePosted" && isAgentReply(event.data)) {
      mails.push({ kind: "reply", seq, index, eventId: event.data.messageId });
    } else if (event.type === "TicketCreated" && notify.created) {
      mails.push({ kind: "created", seq, index, eventId: eventIdAt(index) });
    } else if (
      // A move between custom statuses within solved (from = to) is not a new solve.
      event.type === "TicketStatusChanged" && event.data.to === "solved" &&
      event.data.from !== "solved" && notify.solved
    ) {
      mails.push({ kind: "solved", seq, index, eventId: eventIdAt(index) });
    }
  });
  return mails;
}

/**
 * An agent's public reply. The customer's own mail (posted as them, relayed by `svc:email`) and
 * services' messages (`svc:*`: chat transcripts) are never mailed back: that would be a loop.
 */
function isAgentReply(message: { authorId: string; authorRole: string; internal: boolean }) {
  return !message.internal && AGENT_ROLES.has(message.authorRole) &&
    !message.authorId.startsWith("svc:");
}

/** The deterministic id of a planned mail: `<tenant>.<ticket>.<seq>.<index>` (a KV key). */
export function mailKey(tenant: string, ticketId: string, mail: PlannedMail): string {
  return `${tenant}.${ticketId}.${mail.seq}.${mail.index}`;
}
