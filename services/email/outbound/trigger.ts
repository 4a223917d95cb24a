/**
 * The trigger: a durable consumer `email-outbound` on the ticket stream (one filter subject, as
 * nats-server 2.9 allows) that turns each commit into outbox entries. It acknowledges a commit
 * only once every mail it asks for is claimed and queued, so a crash redelivers the commit, and
 * the claims make the redelivery enqueue nothing twice. A first start begins with new commits:
 * old tickets are not mailed. Should the consumer end, fail or be deleted, it is reopened (and
 * recreated after the last commit queued) by {@link ResilientConsumer}.
 * @module
 */
import {
  AckPolicy,
  type ConsumerInfo,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import type { EventStore } from "@ticketd/shared/eventstore/port.ts";
import { ALL_TICKETS_SUBJECT, decodeCommit } from "@ticketd/shared/events/tickets.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";
import { nullIfMissing } from "@ticketd/shared/runtime/jetstream_missing.ts";
import { ResilientConsumer } from "@ticketd/shared/runtime/resilient_consumer.ts";
import { mailKey, plannedMails } from "./mail_plan.ts";
import type { Outbox } from "./outbox.ts";
import type { TenantSender } from "./senders.ts";
import type { OutboundStats } from "./stats.ts";
import { foldThread, recipientsOf } from "./thread.ts";
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

export interface Trigger {
  /** Times the consumer was reopened after it ended or failed. */
  readonly reopens: number;
  stop(): Promise<void>;
}

/** Starts turning ticket commits into queued mails. */
export async function startTrigger(deps: TriggerDeps): Promise<Trigger> {
  const done = new QueuedUpTo();
  const consumer = new ResilientConsumer({
    name: TRIGGER_CONSUMER,
    log: deps.log,
    position: () => done.floor ?? 0,
    open: async () => {
      const info = await ensureTriggerConsumer(deps.jsm, deps.ticketStream, done.floor);
      done.opened(info.ack_floor.stream_seq);
      const durable = await deps.js.consumers.get(deps.ticketStream, TRIGGER_CONSUMER);
      // A deleted consumer ends the iterator (the client would retry it forever): it is reopened.
      return await durable.consume({ max_messages: 256, abort_on_missing_resource: true });
    },
    consume: async (messages) => {
      for await (const msg of messages) {
        if (consumer.stopping.done) {
          msg.nak();
          continue;
        }
        try {
          await enqueueMails(deps, msg);
          msg.ack();
          done.acked(msg.seq);
        } catch (error) {
          deps.log.warn("email trigger will retry a commit", {
            seq: msg.seq,
            error: String(error),
          });
          msg.nak(RETRY_MS);
          done.retrying(msg.seq);
        }
      }
    },
  });
  await consumer.start();
  return consumer;
}

/**
 * Up to where every commit is queued, as this process knows it: where a consumer deleted from
 * under the trigger is recreated (a commit queued twice enqueues nothing: its mails are claimed).
 */
class QueuedUpTo {
  #highestAcked: number | null = null;
  readonly #retrying = new Set<number>();

  /** Null until the consumer was first opened. */
  get floor(): number | null {
    if (this.#retrying.size > 0) return Math.min(...this.#retrying) - 1;
    return this.#highestAcked;
  }

  /** The consumer's own ack floor when it was opened. */
  opened(ackFloor: number): void {
    this.#highestAcked = Math.max(this.#highestAcked ?? 0, ackFloor);
  }

  acked(seq: number): void {
    this.#retrying.delete(seq);
    this.#highestAcked = Math.max(this.#highestAcked ?? 0, seq);
  }

  retrying(seq: number): void {
    this.#retrying.add(seq);
  }
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
  if (!thread || recipientsOf(thread).length === 0) return;
  for (const mail of mails) {
    const key = mailKey(tenant, ticketId, mail);
    const result = await deps.outbox.enqueue({ key, tenant, ticketId, ...mail }, deps.now());
    if (result === "queued") deps.stats.queued++;
    deps.log.info("email queued", { mail: key, kind: mail.kind, result });
  }
}

/**
 * The durable consumer as it is, or created: with new commits on a first start (`after` null),
 * else right after `after` (it was deleted from under a running trigger).
 */
async function ensureTriggerConsumer(
  jsm: JetStreamManager,
  stream: string,
  after: number | null,
): Promise<ConsumerInfo> {
  const info = await nullIfMissing(jsm.consumers.info(stream, TRIGGER_CONSUMER));
  if (info) return info;
  return await jsm.consumers.add(stream, {
    durable_name: TRIGGER_CONSUMER,
    filter_subject: ALL_TICKETS_SUBJECT,
    ack_policy: AckPolicy.Explicit,
    ack_wait: ACK_WAIT_NS,
    max_deliver: -1,
    ...(after === null
      ? { deliver_policy: DeliverPolicy.New }
      : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 }),
  });
}
