/**
 * Outbound email: agents' public replies and the tenant's notifications on email tickets, queued
 * in JetStream and sent by SMTP over TLS, each mail at most once by its record. See
 * `docs/email-outbound.md`.
 * @module
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { surveyTokens } from "@ticketd/shared/csat/survey_token.ts";
import type { Keyring } from "@ticketd/shared/crypto/keyring.ts";
import type { TenantProfiles } from "@ticketd/shared/crypto/profiles.ts";
import { JetStreamEventStore } from "@ticketd/shared/eventstore/jetstream.ts";
import { openEnvelope } from "@ticketd/shared/keys/open_envelope.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { CustomerMailIds } from "./customer_mail_ids.ts";
import { Outbox } from "./outbox.ts";
import { startSender } from "./sender.ts";
import { loadSenders } from "./senders.ts";
import type { OutboundSettings } from "./settings.ts";
import { smtpDeliver } from "./smtp.ts";
import { emptyStats, type OutboundStats } from "./stats.ts";
import { startTrigger } from "./trigger.ts";

export { OutboundConfigError, type OutboundSettings, outboundSettings } from "./settings.ts";
export type { OutboundStats } from "./stats.ts";
export { CustomerMailIds } from "./customer_mail_ids.ts";

export interface OutboundDeps {
  nc: NatsConnection;
  keyring: Keyring;
  profiles: TenantProfiles;
  /** Most unwrapped data keys kept in memory. */
  dataKeyCacheEntries: number;
  /** The ticket stream's name (`TICKETS`). */
  ticketStream: string;
  settings: OutboundSettings;
  log: Logger;
  /** Epoch milliseconds. */
  now: () => number;
}

export interface Outbound {
  stats: OutboundStats;
  stop(): Promise<void>;
}

/** Starts the trigger and the sender; with no senders file, outbound is off (and says so). */
export async function startOutbound(deps: OutboundDeps): Promise<Outbound> {
  const { nc, settings, log } = deps;
  const stats = emptyStats();
  const senders = await loadSenders(settings);
  if (senders.size === 0) {
    log.info("email outbound is off: TICKETD_EMAIL_OUTBOUND_FILE names no tenant");
    return { stats, stop: () => Promise.resolve() };
  }
  for (const [tenant, sender] of senders) {
    if (!sender.smtp.verifyCertificate) {
      log.warn("email relay certificate is not verified", { tenant, relay: sender.smtp.host });
    }
  }
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const now = deps.now;
  const store = new JetStreamEventStore(js, jsm, deps.ticketStream);
  const { envelope, close } = await openEnvelope(nc, jsm, deps);
  // A session has three timed phases; a mail being sent is heartbeated well inside the ack wait.
  const ackWaitMs = Math.max(30_000, settings.smtpTimeoutMs);
  const outbox = await Outbox.open(nc, js, jsm, ackWaitMs);
  const sender = await startSender({
    js,
    outbox,
    store,
    envelope,
    senders,
    customerIds: await CustomerMailIds.open(nc),
    survey: {
      tokens: surveyTokens(deps.keyring.searchKey, deps.profiles),
      days: settings.surveyDays,
    },
    deliver: smtpDeliver(settings.smtpTimeoutMs),
    settings,
    stats,
    log,
    now,
    sendingStaleMs: 5 * settings.smtpTimeoutMs, // longer than a whole session (smtp.ts)
    heartbeatMs: Math.floor(ackWaitMs / 3),
  });
  const trigger = await startTrigger({
    js,
    jsm,
    ticketStream: deps.ticketStream,
    store,
    outbox,
    senders,
    stats,
    log,
    now,
  });
  log.info("email outbound started", { tenants: [...senders.keys()] });
  return {
    stats,
    async stop() {
      await trigger.stop();
      await sender.stop();
      close();
    },
  };
}
