/**
 * NATS failures that mean "not now" rather than "no": a request timed out, nothing answered (a
 * JetStream stream or bucket between leaders, a server restarting), the connection is down. A
 * caller gets them as one retryable error, `store_unavailable` (503 with `Retry-After`).
 * @module
 */
import { JetStreamApiError } from "@nats-io/jetstream";
import { DomainError } from "../errors.ts";

/** What a client is told to wait before retrying: a JetStream leader election takes seconds. */
export const STORE_RETRY_AFTER_SECONDS = 2;

const TRANSIENT_NAMES = new Set([
  "TimeoutError",
  "NoResponders",
  "JetStreamNotEnabled", // what a publish answered by no responders is reported as
  "ConnectionError",
  "ClosedConnectionError",
  "DrainingConnectionError",
]);

/** True when `error` (or its cause) is a NATS failure that a retry in a few seconds may not meet. */
export function isNatsUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    if (TRANSIENT_NAMES.has(e.name)) return true;
    if (e instanceof JetStreamApiError && e.status === 503) return true;
    if (e.name === "RequestError" && (e as { isNoResponders?(): boolean }).isNoResponders?.()) {
      return true;
    }
  }
  return false;
}

/** `error` as the retryable `store_unavailable` if it is one of those failures, else as is. */
export function asStoreUnavailable(error: unknown): unknown {
  if (!isNatsUnavailable(error)) return error;
  return new DomainError(
    "store_unavailable",
    "The event store is briefly unavailable (a NATS server or leader is changing); retry",
    503,
    { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
  );
}
