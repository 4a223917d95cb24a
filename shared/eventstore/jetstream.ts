/**
 * The JetStream adapter of the event store. Each subject is one aggregate; appends carry
 * `Nats-Expected-Last-Subject-Sequence` and `Nats-Msg-Id`. JetStream error codes are translated
 * here and nowhere else: a stale expected version is a {@link ConcurrencyError}, a stream without
 * a leader (or no answer in time) the retryable `store_unavailable`.
 * @module
 */
import {
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/nats-core";
import { setImmediate } from "node:timers";
import { ConcurrencyError } from "../errors.ts";
import { asStoreUnavailable } from "../runtime/nats_unavailable.ts";
import type { AppendOptions, AppendResult, EventStore, StoredMessage } from "./port.ts";

const WRONG_LAST_SEQUENCE = 10071;

export interface StreamSettings {
  name: string;
  subjects: string[];
  duplicateWindowMs: number;
  /** Copies kept on a cluster; unset leaves an existing stream's count as it is (new: 1). */
  replicas?: number;
  /** Messages older than this are dropped; unset or 0 keeps them forever. */
  maxAgeMs?: number;
}

/** Creates or updates the stream: file storage, direct gets, the given duplicate window and age. */
export async function ensureStream(jsm: JetStreamManager, settings: StreamSettings): Promise<void> {
  const config = {
    name: settings.name,
    subjects: settings.subjects,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: settings.duplicateWindowMs * 1_000_000,
    allow_direct: true,
    max_msgs_per_subject: -1,
    max_age: (settings.maxAgeMs ?? 0) * 1_000_000,
    ...(settings.replicas ? { num_replicas: settings.replicas } : {}),
  };
  try {
    await jsm.streams.info(settings.name);
    await jsm.streams.update(settings.name, config);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.status !== 404) throw error;
    await jsm.streams.add(config);
  }
}

/** An {@link EventStore} on one JetStream stream. */
export class JetStreamEventStore implements EventStore {
  #turn: Promise<void> | null = null;

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
  ) {}

  async append(subject: string, data: Uint8Array, options: AppendOptions): Promise<AppendResult> {
    await this.#batched();
    try {
      const ack = await this.js.publish(subject, data, {
        msgID: options.messageId,
        expect: { lastSubjectSequence: options.expectedVersion },
        headers: toNatsHeaders(options.headers),
      });
      return { version: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE) {
        const actual = Number(/(\d+)\s*$/.exec(error.message)?.[1] ?? NaN);
        throw new ConcurrencyError(
          options.expectedVersion,
          Number.isNaN(actual) ? await this.#lastVersion(subject) : actual,
        );
      }
      throw asStoreUnavailable(error);
    }
  }

  /**
   * Resolves once the event loop has run what was ready (other requests' appends among it), so
   * appends of one turn are published together: the client writes its buffer to the socket once
   * per microtask checkpoint, and one write per append was a sixth of the request thread's time.
   */
  #batched(): Promise<void> {
    return this.#turn ??= new Promise((resolve) =>
      setImmediate(() => {
        this.#turn = null;
        resolve();
      })
    );
  }

  readSubject(subject: string, afterVersion = 0): Promise<StoredMessage[]> {
    return translated(this.#readSubject(subject, afterVersion));
  }

  async #readSubject(subject: string, afterVersion: number): Promise<StoredMessage[]> {
    const messages: StoredMessage[] = [];
    for (let seq = afterVersion + 1;;) {
      const next = await this.jsm.direct.getMessage(this.stream, { next_by_subj: subject, seq });
      if (!next) return messages;
      messages.push(toStoredMessage(next.subject, next.seq, next.data, next.header));
      seq = next.seq + 1;
    }
  }

  async readAt(version: number): Promise<StoredMessage | null> {
    const found = await translated(this.jsm.direct.getMessage(this.stream, { seq: version }));
    return found ? toStoredMessage(found.subject, found.seq, found.data, found.header) : null;
  }

  async #lastVersion(subject: string): Promise<number> {
    const last = await translated(
      this.jsm.direct.getMessage(this.stream, { last_by_subj: subject }),
    );
    return last?.seq ?? 0;
  }
}

function translated<T>(reading: Promise<T>): Promise<T> {
  return reading.catch((error) => {
    throw asStoreUnavailable(error);
  });
}

function toNatsHeaders(values: Record<string, string> = {}): MsgHdrs | undefined {
  const entries = Object.entries(values);
  if (entries.length === 0) return undefined;
  const h = natsHeaders();
  for (const [key, value] of entries) h.set(key, value);
  return h;
}

function toStoredMessage(
  subject: string,
  version: number,
  data: Uint8Array,
  header: MsgHdrs | undefined,
): StoredMessage {
  const headers: Record<string, string> = {};
  for (const key of header?.keys() ?? []) headers[key] = header!.get(key);
  return { subject, version, data, headers };
}
