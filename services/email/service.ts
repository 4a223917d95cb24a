/**
 * The email service assembled from live connections: the SMTP listener and one IMAP poller per
 * configured mailbox, both feeding the same intake (ticket commands over NATS, raw mail sealed
 * into S3), and the outbound side (`outbound/`) beside them. Used by `deno task start` and tests.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import {
  ticketAccessAsker,
  ticketCommandSender,
} from "@ticketd/shared/commands/ticket_command_client.ts";
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";
import type { TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { ObjectStore, type ObjectStoreConfig } from "../attachments/storage/object_store.ts";
import { followTicketNumbers } from "./adapters/ticket_numbers.ts";
import { type EmailConfig, rawStoreConfig } from "./config.ts";
import { type IntakeDeps, takeIn } from "./intake.ts";
import { type MailboxPoller, startMailboxPoller } from "./imap/poller.ts";
import type { ImapSettings, Mailbox } from "./mailboxes.ts";
import { startSmtpListener } from "./smtp/listener.ts";
import { CustomerMailIds, startOutbound } from "./outbound/mod.ts";
import { loadSenders } from "./outbound/senders.ts";
import { RawMailStore } from "./storage/raw_store.ts";
import { handOff } from "./attachments/hand_off.ts";
import { Hono } from "hono";
import { errorHandler, notFoundHandler } from "@ticketd/shared/http/problem.ts";
import { jetstreamLag } from "@ticketd/shared/metrics/jetstream_lag.ts";
import { mountOperations } from "@ticketd/shared/metrics/operations_routes.ts";
import type { OperationsSettings } from "@ticketd/shared/metrics/settings.ts";
import { OUTBOX_STREAM, SENDER_CONSUMER } from "./outbound/outbox.ts";
import { TRIGGER_CONSUMER } from "./outbound/trigger.ts";

export interface EmailServiceDeps {
  nc: NatsConnection;
  keyring: Keyring;
  profiles: TenantProfiles;
  dataKeyCacheEntries: number;
  /** The S3 the attachments service uses; raw mail goes to its own bucket there. */
  s3: ObjectStoreConfig;
  ticketStream: string;
  log: Logger;
  /** Probes and `/metrics` (the tickets config's `operations`); default: the defaults. */
  operations?: OperationsSettings;
}

export interface EmailService {
  /** The probes and `/metrics` (email has no other HTTP route). */
  fetch: (request: Request) => Response | Promise<Response>;
  /** The SMTP listener's port, or null with no mailboxes configured. */
  smtpPort: number | null;
  pollers: Map<string, MailboxPoller>;
  raw: RawMailStore;
  /** The customers' Message-IDs per ticket, which outbound replies answer. */
  customerIds: CustomerMailIds;
  /** What the SMTP listener and the pollers call (tests wrap it to stop in between). */
  intake: IntakeDeps;
  stop(): Promise<void>;
}

/** Starts inbound mail for `config.mailboxes`. */
export async function startEmailService(
  config: EmailConfig,
  deps: EmailServiceDeps,
  options: { takeIn?: typeof takeIn } = {},
): Promise<EmailService> {
  const { nc, log } = deps;
  const jsm = await jetstreamManager(nc);
  const { envelope, close: closeEnvelope } = await openEnvelope(nc, jsm, deps);
  const store = new ObjectStore(rawStoreConfig(deps.s3, config));
  await store.ensureBucket();
  const raw = new RawMailStore(store, envelope);
  const numbers = await followTicketNumbers(
    jetstream(nc),
    jsm,
    deps.ticketStream,
    log,
    config.commandTimeoutMs,
  );
  const customerIds = await CustomerMailIds.open(nc);
  // Our Message-IDs carry the domain of each tenant's sender (outbound), or the configured one.
  const senders = await loadSenders(config.outbound);
  const mailboxAddresses = config.mailboxes.map((m) => m.address);
  const ours = (tenant: string) => {
    const sender = senders.get(tenant);
    return {
      domains: [config.ownDomain, ...(sender ? [sender.domain] : [])],
      addresses: [
        ...mailboxAddresses,
        ...(sender ? [sender.from.address, ...(sender.replyTo ? [sender.replyTo] : [])] : []),
      ],
    };
  };
  const askAccess = ticketAccessAsker(nc, config.commandTimeoutMs);
  const intake: IntakeDeps = {
    send: ticketCommandSender(nc, config.commandTimeoutMs),
    access: (tenant, requesterId, ticketId) =>
      askAccess(tenant, { ticketId, principal: { id: requesterId, role: "customer", groups: [] } }),
    ticketByNumber: (tenant, number) => numbers.lookup(tenant, number),
    raw,
    recordMessageId: (tenant, ticketId, id) => customerIds.add(tenant, ticketId, id),
    limits: config.text,
    ours,
    handOff: (ticket, files) =>
      handOff({ nc, timeoutMs: config.commandTimeoutMs, log }, ticket, files),
    log,
  };
  const take = options.takeIn ?? takeIn;
  const deliver = (bytes: Uint8Array, mailbox: Mailbox) => take(bytes, mailbox, intake);
  const smtp = config.mailboxes.length === 0
    ? null
    : await startSmtpListener(config.smtp, { mailboxes: config.mailboxes, takeIn: deliver, log });
  const pollers = new Map<string, MailboxPoller>();
  for (const mailbox of config.mailboxes) {
    if (!mailbox.imap) continue;
    const withImap = mailbox as Mailbox & { imap: ImapSettings };
    pollers.set(
      mailbox.address,
      startMailboxPoller(withImap, config.imap, { takeIn: deliver, log }),
    );
  }
  const outbound = await startOutbound({
    nc,
    keyring: deps.keyring,
    profiles: deps.profiles,
    dataKeyCacheEntries: deps.dataKeyCacheEntries,
    ticketStream: deps.ticketStream,
    settings: config.outbound,
    log: log.with({ side: "outbound" }),
    now: () => Date.now(),
  });
  const app = new Hono();
  app.onError(errorHandler(log));
  app.notFound(notFoundHandler);
  mountOperations(app, {
    service: "email",
    settings: deps.operations,
    nc: deps.nc,
    checks: { s3: () => store.size(".readyz") },
    metrics: (registry) =>
      jetstreamLag(registry, jsm, () => [
        // Ordered: folded from the first commit, lag = the stream's last sequence - folded.
        {
          stream: deps.ticketStream,
          consumer: "email-ticket-numbers",
          durable: false,
          position: () => numbers.position,
        },
        // The outbound durables exist only while outbound is on (a senders file).
        ...(senders.size === 0 ? [] : [
          { stream: deps.ticketStream, consumer: TRIGGER_CONSUMER, durable: true as const },
          { stream: OUTBOX_STREAM, consumer: SENDER_CONSUMER, durable: true as const },
        ]),
      ]),
  });
  log.info("email inbound started", {
    mailboxes: config.mailboxes.length,
    imap: pollers.size,
    smtpPort: smtp?.port ?? null,
  });
  return {
    fetch: (request) => app.fetch(request),
    smtpPort: smtp?.port ?? null,
    pollers,
    raw,
    intake,
    customerIds,
    async stop() {
      await smtp?.stop();
      await Promise.all([...pollers.values()].map((p) => p.stop()));
      await outbound.stop();
      await numbers.stop();
      closeEnvelope();
    },
  };
}
