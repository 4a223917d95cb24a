/**
 * SMTP delivery with nodemailer, one transport per tenant relay. TLS is never optional: either
 * implicit TLS or STARTTLS required (a relay that does not offer it gets nothing, not even the
 * envelope), certificates verified against the system or the configured CA.
 * @module
 */
import nodemailer from "nodemailer";
import type { OutgoingMail } from "./compose.ts";
import type { RelaySettings } from "./senders.ts";

export interface Delivered {
  /** The relay's final reply, e.g. `250 2.0.0 Ok: queued as ABC`. */
  response: string;
}

/** A refused or failed delivery; `permanent` when the relay answered 5xx (retrying cannot help). */
export class DeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

/** Connect, greet, TLS, login, envelope, data: a session never takes longer than this many timeouts. */
const SESSION_PHASES = 4;

export type Deliver = (relay: RelaySettings, mail: OutgoingMail) => Promise<Delivered>;

/** A {@link Deliver} that opens one SMTP session per mail; `timeoutMs` bounds each phase. */
export function smtpDeliver(timeoutMs: number): Deliver {
  return async (relay, mail) => {
    const transport = nodemailer.createTransport({
      host: relay.host,
      port: relay.port,
      secure: relay.tls === "implicit",
      requireTLS: relay.tls === "starttls",
      ...(relay.login ? { auth: relay.login } : {}),
      tls: {
        minVersion: "TLSv1.2",
        rejectUnauthorized: relay.verifyCertificate,
        ...(relay.ca ? { ca: relay.ca } : {}),
        ...(relay.servername ? { servername: relay.servername } : {}),
      },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    // nodemailer times each phase; this bounds the whole session even if a socket event is lost.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(sessionTimeout()), SESSION_PHASES * timeoutMs);
    });
    try {
      const sent = transport.sendMail({ ...mail, envelope: envelopeOf(mail) });
      const info = await Promise.race([sent, deadline]);
      return { response: String(info.response ?? "") };
    } catch (error) {
      throw error instanceof DeliveryError ? error : deliveryError(error);
    } finally {
      clearTimeout(timer);
      transport.close();
    }
  };
}

function sessionTimeout(): DeliveryError {
  return new DeliveryError("smtp_session_timeout", "The SMTP session took too long", false);
}

function envelopeOf(mail: OutgoingMail) {
  return { from: mail.from.address, to: [mail.to, ...mail.bcc] };
}

/**
 * nodemailer's error as ours: a 5xx reply to the mail is permanent; a refused or failed TLS
 * upgrade is not (the relay's configuration may be fixed), whatever code the relay answered.
 */
function deliveryError(error: unknown): DeliveryError {
  const e = error as { code?: string; responseCode?: number; message?: string };
  const message = e.message ?? String(error);
  if (e.code === "ETLS") return new DeliveryError("smtp_tls_failed", message, false);
  const responseCode = typeof e.responseCode === "number" ? e.responseCode : 0;
  const code = responseCode ? `smtp_${responseCode}` : `smtp_${(e.code ?? "error").toLowerCase()}`;
  return new DeliveryError(code, message, responseCode >= 500);
}
