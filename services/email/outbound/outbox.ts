/**
 * The outbox: stream `EMAIL_OUTBOX` (work queue) carries which mail to send, and KV bucket
 * `email-outbox` records each mail's state under its deterministic key, forever: `queued`,
 * `sending`, `sent` or `dead`. Creating the record is the claim (a redelivered ticket event finds
 * it and enqueues nothing new); `sent` is written as soon as the relay accepted the mail, and
 * checked before every attempt. Entries and records hold ids only: no address, no ticket text.
 * @module
 */
import {
  AckPolicy,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import { nullIfMissing } from "@ticketd/shared/runtime/jetstream_missing.ts";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { MailKind } from "./mail_plan.ts";

export const OUTBOX_STREAM = "EMAIL_OUTBOX";
export const OUTBOX_BUCKET = "email-outbox";
export const SENDER_CONSUMER = "email-sender";
const QUEUE_SUBJECTS = "email.outbox.>";
const DUPLICATE_WINDOW_NS = 3_600_000_000_000; // 1 h; the KV record guards beyond it

/** One mail to send, named by its source event. */
export interface OutboxEntry {
  key: string;
  tenant: string;
  ticketId: string;
  kind: MailKind;
  seq: number;
  index: number;
  eventId: string;
}

export type MailState = "queued" | "sending" | "sent" | "dead";

export interface MailRecord {
  state: MailState;
  attempts: number;
  /** Epoch ms of the last change. */
  at: number;
  /** An error code (`smtp_421`, `smtp_econnection`, `content_erased`), never a server's text. */
  error?: string;
  messageId?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Outbox {
  private constructor(
    private readonly js: JetStreamClient,
    private readonly kv: KV,
  ) {}

  /** Makes sure the stream, the bucket and the sender's durable consumer exist. */
  static async open(
    nc: NatsConnection,
    js: JetStreamClient,
    jsm: JetStreamManager,
    ackWaitMs: number,
  ): Promise<Outbox> {
    await upsert(() => jsm.streams.info(OUTBOX_STREAM), {
      add: () => jsm.streams.add(STREAM_CONFIG),
      update: () => jsm.streams.update(OUTBOX_STREAM, STREAM_CONFIG),
    });
    const consumer: Partial<ConsumerConfig> = {
      durable_name: SENDER_CONSUMER,
      filter_subject: QUEUE_SUBJECTS,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ackWaitMs * 1_000_000,
      max_deliver: -1,
    };
    await upsert(() => jsm.consumers.info(OUTBOX_STREAM, SENDER_CONSUMER), {
      add: () => jsm.consumers.add(OUTBOX_STREAM, consumer),
      update: () => jsm.consumers.update(OUTBOX_STREAM, SENDER_CONSUMER, consumer),
    });
    const kv = await new Kvm(nc).create(OUTBOX_BUCKET, { history: 1 });
    return new Outbox(js, kv);
  }

  /**
   * Queues `entry` unless its record shows it was queued before and has since been sent or given
   * up. A record still `queued` is published again (a crash may have come between the claim and
   * the publish); the message id makes that a no-op inside the duplicate window, and the record
   * check makes it harmless after.
   */
  async enqueue(entry: OutboxEntry, now: number): Promise<"queued" | "already"> {
    const claimed = await this.#create(entry.key, { state: "queued", attempts: 0, at: now });
    if (!claimed) {
      const existing = await this.record(entry.key);
      if (existing && existing.record.state !== "queued") return "already";
    }
    await this.js.publish(`email.outbox.${entry.tenant}.${entry.ticketId}`, JSON.stringify(entry), {
      msgID: entry.key,
    });
    return claimed ? "queued" : "already";
  }

  /** The record of a mail with its revision, or null. */
  async record(key: string): Promise<{ record: MailRecord; revision: number } | null> {
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== "PUT") return null;
    return { record: JSON.parse(decoder.decode(entry.value)), revision: entry.revision };
  }

  /** Compare-and-set: the new revision, or null when someone else changed the record first. */
  async update(key: string, record: MailRecord, revision: number): Promise<number | null> {
    return await this.kv.update(key, encoder.encode(JSON.stringify(record)), revision)
      .catch(() => null);
  }

  /** Records unconditionally (used for `sent`: the relay accepted it, whatever else happened). */
  async put(key: string, record: MailRecord): Promise<void> {
    await this.kv.put(key, encoder.encode(JSON.stringify(record)));
  }

  /** Keeps a dead letter in the stream (`email.dead.<tenant>.<ticket>`) for operators. */
  async deadLetter(entry: OutboxEntry, record: MailRecord): Promise<void> {
    await this.js.publish(
      `email.dead.${entry.tenant}.${entry.ticketId}`,
      JSON.stringify({ ...entry, ...record }),
      { msgID: `dead.${entry.key}` },
    );
  }

  async #create(key: string, record: MailRecord): Promise<boolean> {
    try {
      await this.kv.create(key, encoder.encode(JSON.stringify(record)));
      return true;
    } catch (error) {
      if (await this.record(key)) return false;
      throw error;
    }
  }
}

const STREAM_CONFIG: Partial<StreamConfig> & { name: string } = {
  name: OUTBOX_STREAM,
  // Dead letters share the stream; no consumer takes them, so they stay for operators.
  subjects: [QUEUE_SUBJECTS, "email.dead.>"],
  retention: RetentionPolicy.Workqueue,
  storage: StorageType.File,
  duplicate_window: DUPLICATE_WINDOW_NS,
};

/** Updates what exists (settings may have changed), adds what does not. */
async function upsert(
  info: () => Promise<unknown>,
  write: { add: () => Promise<unknown>; update: () => Promise<unknown> },
): Promise<void> {
  const exists = (await nullIfMissing(info())) !== null;
  await (exists ? write.update() : write.add());
}

/** Parses an outbox message's payload. */
export function parseEntry(data: Uint8Array): OutboxEntry {
  return JSON.parse(decoder.decode(data)) as OutboxEntry;
}
