/**
 * An in-memory {@link EventStore} with the same rules as JetStream (versions are global
 * sequences, expected-version checks, de-duplication by message id), for pure tests.
 * @module
 */
import { ConcurrencyError } from "../errors.ts";
import type { AppendOptions, AppendResult, EventStore, StoredMessage } from "./port.ts";

/** An {@link EventStore} held in an array; the duplicate window never closes. */
export class MemoryEventStore implements EventStore {
  readonly #messages: StoredMessage[] = [];
  readonly #byMessageId = new Map<string, number>();

  append(subject: string, data: Uint8Array, options: AppendOptions): Promise<AppendResult> {
    const original = this.#byMessageId.get(options.messageId);
    if (original !== undefined) return Promise.resolve({ version: original, duplicate: true });
    const actual = this.#messages.findLast((m) => m.subject === subject)?.version ?? 0;
    if (actual !== options.expectedVersion) {
      return Promise.reject(new ConcurrencyError(options.expectedVersion, actual));
    }
    const version = this.#messages.length + 1;
    this.#messages.push({ subject, version, data, headers: { ...options.headers } });
    this.#byMessageId.set(options.messageId, version);
    return Promise.resolve({ version, duplicate: false });
  }

  readSubject(subject: string, afterVersion = 0): Promise<StoredMessage[]> {
    return Promise.resolve(
      this.#messages.filter((m) => m.subject === subject && m.version > afterVersion),
    );
  }

  readAt(version: number): Promise<StoredMessage | null> {
    return Promise.resolve(this.#messages[version - 1] ?? null);
  }
}
