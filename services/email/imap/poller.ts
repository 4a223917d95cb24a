/**
 * IMAP polling (`imapflow`), one loop per mailbox: each has its own connection and timer, so a
 * slow or dead server only ever delays its own mailbox. A poll takes in the mails not yet marked
 * taken, oldest first, and marks (or deletes) each only after its ticket event is durable: a
 * poller killed in between leaves the mail unmarked, and the next poll takes it in again, which
 * the ticket core answers with the same ticket.
 * @module
 */
import { ImapFlow } from "imapflow";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { ImapSettings, Mailbox } from "../mailboxes.ts";

/** The keyword a taken-in mail carries (with `\Seen`); people reading the mailbox do not set it. */
export const TAKEN_KEYWORD = "$TicketdTaken";

export interface PollerSettings {
  pollIntervalMs: number;
  /** Connecting, and each command, fails after this long. */
  timeoutMs: number;
  maxPerPoll: number;
}

export interface PollerDeps {
  takeIn(raw: Uint8Array, mailbox: Mailbox): Promise<unknown>;
  log: Logger;
}

export interface MailboxPoller {
  /** Polls now (and then on the timer); resolves when this poll is done. */
  pollNow(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts polling `mailbox` (which must have IMAP settings). */
export function startMailboxPoller(
  mailbox: Mailbox & { imap: ImapSettings },
  settings: PollerSettings,
  deps: PollerDeps,
): MailboxPoller {
  const log = deps.log.with({ tenant: mailbox.tenant, mailbox: mailbox.address });
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const poll = (): Promise<void> => {
    clearTimeout(timer);
    running = running.then(() => stopped ? undefined : pollOnce(mailbox, settings, deps))
      .catch((error) => log.warn("imap poll failed", { error: String(error) }))
      .finally(() => {
        if (!stopped) timer = setTimeout(poll, settings.pollIntervalMs);
      });
    return running;
  };
  poll();
  return {
    pollNow: poll,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

async function pollOnce(
  mailbox: Mailbox & { imap: ImapSettings },
  settings: PollerSettings,
  deps: PollerDeps,
): Promise<void> {
  const { imap } = mailbox;
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  client.on("error", () => {}); // a dropped socket fails the pending command, reported there
  try {
    await client.connect();
    const lock = await client.getMailboxLock(imap.folder);
    try {
      const uids: number[] = await client.search({ unKeyword: TAKEN_KEYWORD, deleted: false }, {
        uid: true,
      }) || [];
      for (const uid of uids.sort((a, b) => a - b).slice(0, settings.maxPerPoll)) {
        await takeOne(client, uid, mailbox, deps);
      }
    } finally {
      lock.release();
    }
    await client.logout();
  } finally {
    client.close();
  }
}

async function takeOne(
  client: ImapFlow,
  uid: number,
  mailbox: Mailbox & { imap: ImapSettings },
  deps: PollerDeps,
): Promise<void> {
  const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
  if (!message || !message.source) return;
  await deps.takeIn(new Uint8Array(message.source), mailbox);
  // Only now, with the ticket event durable, is the mail marked: never before.
  if (mailbox.imap.after === "delete") {
    await client.messageDelete(String(uid), { uid: true });
  } else {
    await client.messageFlagsAdd(String(uid), [TAKEN_KEYWORD, "\\Seen"], { uid: true });
  }
}
