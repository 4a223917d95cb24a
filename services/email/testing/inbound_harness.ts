/**
 * The email inbound side for integration tests, beside a tickets harness: a real s3rver, its own
 * NATS connection, optionally a private Dovecot, the SMTP listener on a free port, and a record
 * of every intake outcome, so a test can wait for a mail's ticket.
 * @module
 */
import { connect } from "@nats-io/transport-node";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import type { TlsSettings } from "@ticketd/shared/runtime/tls_settings.ts";
import { eventually } from "../../../tests/support/routing_harness.ts";
import { type Harness, supervisorA } from "../../../tests/support/tickets_harness.ts";
import { startTestS3, type TestS3 } from "../../attachments/testing/s3.ts";
import { type EmailConfig, loadEmailConfig } from "../config.ts";
import { type IntakeOutcome, takeIn } from "../intake.ts";
import type { Mailbox } from "../mailboxes.ts";
import { type EmailService, startEmailService } from "../service.ts";

export interface InboundInstance {
  service: EmailService;
  config: EmailConfig;
  s3: TestS3;
  /** Every outcome so far, in order, with the mailbox it was for. */
  outcomes: { mailbox: string; outcome: IntakeOutcome }[];
  /** Resolves with the `n`th outcome (1-based) once there is one. */
  nth(n: number, timeoutMs?: number): Promise<IntakeOutcome>;
  stop(): Promise<void>;
}

export interface InboundOptions {
  env?: Record<string, string>;
  /** Called instead of the intake; gets the real one to call. */
  wrap?: (real: typeof takeIn) => typeof takeIn;
  s3?: TestS3;
  /** The process's TLS settings (the SMTP listener's STARTTLS certificate). */
  tls?: TlsSettings;
}

/** Starts inbound mail for `mailboxes` beside `h`. */
export async function startInbound(
  h: Harness,
  mailboxes: Mailbox[],
  options: InboundOptions = {},
): Promise<InboundInstance> {
  const s3 = options.s3 ?? await startTestS3();
  const config = {
    ...loadEmailConfig(
      {
        TICKETD_EMAIL_SMTP_PORT: "0",
        TICKETD_EMAIL_IMAP_POLL_SECONDS: "1",
        TICKETD_EMAIL_IMAP_TIMEOUT_SECONDS: "5",
        TICKETD_EMAIL_DOMAIN: "help.acme.example",
        ...options.env,
      },
      undefined,
      options.tls,
    ),
    mailboxes,
  };
  const outcomes: InboundInstance["outcomes"] = [];
  const real = options.wrap ? options.wrap(takeIn) : takeIn;
  const recorded: typeof takeIn = async (raw, mailbox, deps) => {
    const outcome = await real(raw, mailbox, deps);
    outcomes.push({ mailbox: mailbox.address, outcome });
    return outcome;
  };
  const nc = await connect({ servers: h.natsUrl });
  const service = await startEmailService(config, {
    nc,
    keyring: h.keyring,
    profiles: h.config.profiles,
    dataKeyCacheEntries: 1_000,
    s3: { ...s3, useSSL: false, bucket: "unused" },
    ticketStream: h.config.stream.name,
    log: createLogger("error", { service: "email-test" }),
  }, { takeIn: recorded });
  return {
    service,
    config,
    s3,
    outcomes,
    async nth(n, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (outcomes.length < n) {
        if (Date.now() > deadline) throw new Error(`no outcome ${n} (${outcomes.length} so far)`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return outcomes[n - 1].outcome;
    },
    async stop() {
      await service.stop();
      await nc.drain().catch(() => {});
      if (!options.s3) await s3.stop();
    },
  };
}

/** The ticket as the read model has it, once it has it. */
export async function readTicket(h: Harness, id: string, until = (_t: Ticket) => true) {
  return await eventually(`ticket ${id}`, async () => {
    const response = await h.call(supervisorA, "GET", `/v1/tickets/${id}`);
    if (response.status !== 200) return void await response.body?.cancel();
    const ticket = await response.json() as Ticket;
    return until(ticket) ? ticket : undefined;
  });
}

export interface Ticket {
  id: string;
  number: number;
  subject: string;
  status: string;
  requesterId: string;
  followUpOf: string | null;
  messages: { body: string; internal: boolean }[];
}
