/**
 * The outbox worker: takes queued mails from the durable consumer `email-sender`, checks each
 * mail's record (never sends one recorded `sent`), claims it by compare-and-set, sends it, records
 * `sent`, and only then acknowledges. A failure is retried with exponential back-off (a delayed
 * NAK) up to the attempt limit; a 5xx refusal, an unsendable mail or the last failed attempt is
 * dead-lettered: recorded `dead`, kept on `email.dead.*`, logged and counted.
 * @module
 */
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { buildMail, type MailBuilderDeps, UnsendableMail } from "./mail_builder.ts";
import {
  type MailRecord,
  type Outbox,
  OUTBOX_STREAM,
  type OutboxEntry,
  parseEntry,
  SENDER_CONSUMER,
} from "./outbox.ts";
import { type OutboundSettings, retryDelayMs } from "./settings.ts";
import { type Deliver, DeliveryError } from "./smtp.ts";
import type { OutboundStats } from "./stats.ts";

const SENT_RECORD_ATTEMPTS = 5;

export interface SenderDeps extends MailBuilderDeps {
  js: JetStreamClient;
  outbox: Outbox;
  deliver: Deliver;
  settings: OutboundSettings;
  stats: OutboundStats;
  log: Logger;
  now: () => number;
  /** How long a `sending` record is taken to belong to a live attempt. */
  sendingStaleMs: number;
  /** How often a mail being worked on tells JetStream so (well under the ack wait). */
  heartbeatMs: number;
}

/** Starts sending; `stop()` lets mails in flight finish. */
export async function startSender(deps: SenderDeps): Promise<{ stop(): Promise<void> }> {
  const consumer = await deps.js.consumers.get(OUTBOX_STREAM, SENDER_CONSUMER);
  const messages = await consumer.consume({ max_messages: deps.settings.concurrency });
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  const done = (async () => {
    for await (const msg of messages) {
      // Buffered messages after stop() go back at once, to another instance or the next start.
      if (stopping) {
        msg.nak();
        continue;
      }
      const job = handle(deps, msg).catch((error) => {
        deps.log.error("email outbox message failed", { error: String(error) });
        msg.nak(deps.settings.retryBaseMs);
      }).finally(() => inFlight.delete(job));
      inFlight.add(job);
      if (inFlight.size >= deps.settings.concurrency) await Promise.race(inFlight);
    }
  })();
  return {
    async stop() {
      stopping = true;
      messages.stop();
      await done;
      await Promise.all(inFlight);
    },
  };
}

async function handle(deps: SenderDeps, msg: JsMsg): Promise<void> {
  const entry = parseEntry(msg.data);
  const found = await deps.outbox.record(entry.key);
  const record = found?.record ?? { state: "queued", attempts: 0, at: deps.now() };
  if (record.state === "sent" || record.state === "dead") {
    deps.stats.skipped++;
    deps.log.info("email already handled, not sent again", {
      mail: entry.key,
      state: record.state,
    });
    return msg.ack();
  }
  if (record.state === "sending" && deps.now() - record.at < deps.sendingStaleMs) {
    return msg.nak(deps.sendingStaleMs); // another attempt is live; look again after it
  }
  const attempt = record.attempts + 1;
  const sending: MailRecord = { state: "sending", attempts: attempt, at: deps.now() };
  const claimed = found
    ? await deps.outbox.update(entry.key, sending, found.revision)
    : await deps.outbox.put(entry.key, sending).then(() => 0);
  if (claimed === null) return msg.nak(deps.settings.retryBaseMs); // someone else moved first
  const heartbeat = setInterval(() => msg.working(), deps.heartbeatMs);
  try {
    await attemptDelivery(deps, entry, attempt, msg);
  } finally {
    clearInterval(heartbeat);
  }
}

async function attemptDelivery(
  deps: SenderDeps,
  entry: OutboxEntry,
  attempt: number,
  msg: JsMsg,
): Promise<void> {
  let delivered;
  try {
    const { relay, mail } = await buildMail(deps, entry);
    delivered = { relay, mail, reply: await deps.deliver(relay, mail) };
  } catch (error) {
    return await failed(deps, entry, attempt, error, msg);
  }
  // From here on the relay has the mail: nothing may treat a failure as "not sent".
  await recordSent(deps, entry.key, {
    state: "sent",
    attempts: attempt,
    at: deps.now(),
    messageId: delivered.mail.messageId,
  });
  deps.stats.sent++;
  deps.log.info("email sent", {
    mail: entry.key,
    kind: entry.kind,
    attempt,
    relay: delivered.relay.host,
    reply: delivered.reply.response.slice(0, 3),
  });
  msg.ack();
}

/**
 * Writes `sent`, trying a few times: this write is what keeps a redelivery from sending again, so
 * it is worth waiting for. Failing it all leaves the one window the docs describe.
 */
async function recordSent(deps: SenderDeps, key: string, record: MailRecord): Promise<void> {
  for (let attempt = 1;; attempt++) {
    try {
      return await deps.outbox.put(key, record);
    } catch (error) {
      if (attempt >= SENT_RECORD_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

async function failed(
  deps: SenderDeps,
  entry: OutboxEntry,
  attempt: number,
  error: unknown,
  msg: JsMsg,
): Promise<void> {
  const code = error instanceof DeliveryError || error instanceof UnsendableMail
    ? error.code
    : "internal_error";
  const final = error instanceof UnsendableMail ||
    (error instanceof DeliveryError && error.permanent) || attempt >= deps.settings.maxAttempts;
  const record: MailRecord = {
    state: final ? "dead" : "queued",
    attempts: attempt,
    at: deps.now(),
    error: code,
  };
  await deps.outbox.put(entry.key, record);
  if (!final) {
    const delayMs = retryDelayMs(deps.settings, attempt);
    deps.stats.retried++;
    deps.log.warn("email not sent, will retry", { mail: entry.key, attempt, error: code, delayMs });
    return msg.nak(delayMs);
  }
  await deps.outbox.deadLetter(entry, record);
  deps.stats.dead++;
  deps.log.error("email dead-lettered", {
    mail: entry.key,
    kind: entry.kind,
    attempt,
    error: code,
  });
  msg.ack();
}
