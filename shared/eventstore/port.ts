/**
 * The event store port: append-only subjects with optimistic concurrency and de-duplication by
 * message id. A subject's version is the stream sequence of its last message (0 = empty).
 * @module
 */

export interface StoredMessage {
  subject: string;
  version: number;
  data: Uint8Array;
  headers: Record<string, string>;
}

export interface AppendOptions {
  /** The subject's version this append was decided against; 0 = "subject must be empty". */
  expectedVersion: number;
  /** De-duplication key: a second append with the same id inside the window is not stored. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface AppendResult {
  version: number;
  /** True when the message id was already stored; `version` is then the original's. */
  duplicate: boolean;
}

export interface EventStore {
  /** Appends one message, or throws `ConcurrencyError` when the subject is not at the expected version. */
  append(subject: string, data: Uint8Array, options: AppendOptions): Promise<AppendResult>;
  /** The subject's messages after `afterVersion`, oldest first. */
  readSubject(subject: string, afterVersion?: number): Promise<StoredMessage[]>;
  /** The message stored at `version`, or null. */
  readAt(version: number): Promise<StoredMessage | null>;
}
