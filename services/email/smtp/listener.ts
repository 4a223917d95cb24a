/**
 * The SMTP listener a mail server forwards to (`smtp-server`). A recipient must be one of the
 * configured mailboxes (or a plus-address of one), a message must fit the size limit, and the
 * final 250 is sent only once the mail's ticket event is durable: until then the sending server
 * holds the mail and retries it (451), so nothing is lost between the two servers.
 * @module
 */
import { Buffer } from "node:buffer";
import type { Readable } from "node:stream";
import { SMTPServer } from "smtp-server";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { isMailboxAddress } from "../domain/threading.ts";
import type { Mailbox } from "../mailboxes.ts";

export interface SmtpListenerSettings {
  host: string;
  port: number;
  maxMessageBytes: number;
  maxRecipients: number;
  /** A connection silent this long is closed with `421`. */
  idleTimeoutMs: number;
  /** Offered by STARTTLS when set. */
  tls: { cert: string; key: string } | null;
  /** Refuse MAIL FROM (530) on a connection that has not upgraded. */
  requireTls: boolean;
}

export interface SmtpListenerDeps {
  mailboxes: Mailbox[];
  /** Resolves once `raw` is durable for `mailbox`; throws to have the sender retry. */
  takeIn(raw: Uint8Array, mailbox: Mailbox): Promise<unknown>;
  log: Logger;
}

export interface SmtpListener {
  port: number;
  stop(): Promise<void>;
}

interface Session {
  secure: boolean;
  envelope: { rcptTo: { address: string }[] };
}
type Done = (error?: Error | null) => void;

/** Listens on `settings.host:port` (0 = a free port). */
export async function startSmtpListener(
  settings: SmtpListenerSettings,
  deps: SmtpListenerDeps,
): Promise<SmtpListener> {
  const server = new SMTPServer({
    // A trusted forwarder: no login; STARTTLS when there is a certificate (else TLS ends at the MTA).
    authOptional: true,
    disabledCommands: settings.tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
    ...(settings.tls ?? {}),
    size: settings.maxMessageBytes,
    socketTimeout: settings.idleTimeoutMs,
    logger: false,
    banner: "Ticketd inbound mail",
    onMailFrom(_address: unknown, session: Session, done: Done) {
      if (settings.requireTls && !session.secure) {
        return done(smtpError(530, "Must issue a STARTTLS command first"));
      }
      done();
    },
    onRcptTo(address: { address: string }, session: Session, done: Done) {
      if (session.envelope.rcptTo.length >= settings.maxRecipients) {
        return done(smtpError(452, "Too many recipients"));
      }
      if (!mailboxOf(address.address, deps.mailboxes)) {
        return done(smtpError(550, "No such mailbox here"));
      }
      done();
    },
    onData(stream: Readable & { sizeExceeded?: boolean }, session: Session, done: Done) {
      receive(stream, session, settings, deps).then(() => done(), done);
    },
  });
  server.on(
    "error",
    (error: Error) => deps.log.warn("smtp connection error", { error: error.message }),
  );
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function receive(
  stream: Readable & { sizeExceeded?: boolean },
  session: Session,
  settings: SmtpListenerSettings,
  deps: SmtpListenerDeps,
): Promise<void> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    length += (chunk as Buffer).length;
    // Past the limit the rest is read and dropped; smtp-server flags the stream as too big.
    if (length <= settings.maxMessageBytes) chunks.push(chunk as Buffer);
  }
  if (stream.sizeExceeded || length > settings.maxMessageBytes) {
    throw smtpError(552, `Message exceeds the ${settings.maxMessageBytes} byte limit`);
  }
  const raw = new Uint8Array(Buffer.concat(chunks));
  const targets = new Set(
    session.envelope.rcptTo.map((r) => mailboxOf(r.address, deps.mailboxes)!),
  );
  try {
    // One mail to two of our mailboxes is one ticket in each: each has its own external id.
    for (const mailbox of targets) await deps.takeIn(raw, mailbox);
  } catch (error) {
    deps.log.warn("smtp mail deferred", { error: String(error) });
    throw smtpError(451, "Cannot take the message in right now; try again later");
  }
}

function mailboxOf(address: string, mailboxes: Mailbox[]): Mailbox | undefined {
  return mailboxes.find((m) => isMailboxAddress(address.toLowerCase(), m.address));
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}
