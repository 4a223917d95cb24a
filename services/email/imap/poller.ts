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

/** Mails of one mailbox taken in at the same time. */
const TAKE_AT_ONCE = 8;

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
      const todo = uids.sort((a, b) => a - b).slice(0, settings.maxPerPoll);
      // A few at a time: the intake of one waits on NATS and S3, not on this connection.
      for (let i = 0; i < todo.length; i += TAKE_AT_ONCE) {
        await takeBatch(client, todo.slice(i, i + TAKE_AT_ONCE), mailbox, deps);
      }
    } finally {
      lock.release();
    }
    await client.logout();
  } finally {
    client.close();
  }
}

/** Fetches `uids`, takes each in, and marks each one whose intake is durable. */
async function takeBatch(
  client: ImapFlow,
  uids: number[],
  mailbox: Mailbox & { imap: ImapSettings },
  deps: PollerDeps,
): Promise<void> {
  const sources = new Map<number, Uint8Array>();
  for await (const message of client.fetch(uids.join(","), { source: true }, { uid: true })) {
    if (message.source) sources.set(message.uid, new Uint8Array(message.source));
  }
  const results = await Promise.allSettled(
    [...sources].map(async ([uid, raw]) => {
      await deps.takeIn(raw, mailbox);
      return uid;
    }),
  );
  const taken = results.flatMap((r) => r.status === "fulfilled" ? [r.value] : []);
  // Only now, with their ticket events durable, are the mails marked: never before.
  if (taken.length > 0) {
    const range = taken.join(",");
    if (mailbox.imap.after === "delete") await client.messageDelete(range, { uid: true });
    else await client.messageFlagsAdd(range, [TAKEN_KEYWORD, "\\Seen"], { uid: true });
  }
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
}
