/**
 * The trigger: a durable consumer `email-outbound` on the ticket stream (one filter subject, as
 * nats-server 2.9 allows) that turns each commit into outbox entries. It acknowledges a commit
 * only once every mail it asks for is claimed and queued, so a crash redelivers the commit, and
 * the claims make the redelivery enqueue nothing twice. A first start begins with new commits:
 * old tickets are not mailed.
 * @module
 */
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import type { EventStore } from "@ticketd/shared/eventstore/port.ts";
import { ALL_TICKETS_SUBJECT, decodeCommit } from "@ticketd/shared/events/tickets.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { mailKey, plannedMails } from "./mail_plan.ts";
import type { Outbox } from "./outbox.ts";
import type { TenantSender } from "./senders.ts";
import type { OutboundStats } from "./stats.ts";
import { foldThread } from "./thread.ts";
import { historyUpTo } from "./ticket_history.ts";

export const TRIGGER_CONSUMER = "email-outbound";
const ACK_WAIT_NS = 60_000_000_000;
const RETRY_MS = 2_000;

export interface TriggerDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  ticketStream: string;
  store: EventStore;
  outbox: Outbox;
  senders: ReadonlyMap<string, TenantSender>;
  stats: OutboundStats;
  log: Logger;
  now: () => number;
}

/** Starts turning ticket commits into queued mails. */
export async function startTrigger(deps: TriggerDeps): Promise<{ stop(): Promise<void> }> {
  await ensureTriggerConsumer(deps.jsm, deps.ticketStream);
  const consumer = await deps.js.consumers.get(deps.ticketStream, TRIGGER_CONSUMER);
  const messages = await consumer.consume({ max_messages: 256 });
  let stopping = false;
  const done = (async () => {
    for await (const msg of messages) {
      if (stopping) {
        msg.nak();
        continue;
      }
      try {
        await enqueueMails(deps, msg);
        msg.ack();
      } catch (error) {
        deps.log.warn("email trigger will retry a commit", { seq: msg.seq, error: String(error) });
        msg.nak(RETRY_MS);
      }
    }
  })();
  return {
    async stop() {
      stopping = true;
      messages.stop();
      await done;
    },
  };
}

async function enqueueMails(deps: TriggerDeps, msg: JsMsg): Promise<void> {
  let commit;
  try {
    commit = decodeCommit(msg.data);
  } catch (error) {
    // An event from a newer build: never misread, never retried forever.
    deps.log.error("email trigger skipped an undecodable commit", {
      seq: msg.seq,
      error: String(error),
    });
    return;
  }
  const { tenant, ticketId } = commit.meta;
  const sender = deps.senders.get(tenant);
  const mails = sender ? plannedMails(commit, msg.seq, sender.notify) : [];
  if (mails.length === 0) return;
  const thread = foldThread(
    (await historyUpTo(deps.store, tenant, ticketId, msg.seq)).map((h) => h.commit),
  );
  if (!thread?.isEmail || !thread.recipient) return;
  for (const mail of mails) {
    const key = mailKey(tenant, ticketId, mail);
    const result = await deps.outbox.enqueue({ key, tenant, ticketId, ...mail }, deps.now());
    if (result === "queued") deps.stats.queued++;
    deps.log.info("email queued", { mail: key, kind: mail.kind, result });
  }
}

async function ensureTriggerConsumer(jsm: JetStreamManager, stream: string): Promise<void> {
  const exists = await jsm.consumers.info(stream, TRIGGER_CONSUMER).then(() => true, (error) => {
    if (error instanceof JetStreamApiError && error.status === 404) return false;
    throw error;
  });
  if (exists) return;
  await jsm.consumers.add(stream, {
    durable_name: TRIGGER_CONSUMER,
    filter_subject: ALL_TICKETS_SUBJECT,
    ack_policy: AckPolicy.Explicit,
    ack_wait: ACK_WAIT_NS,
    deliver_policy: DeliverPolicy.New,
    max_deliver: -1,
  });
}
