/**
 * JetStream answers "not found" (a stream or consumer that does not exist yet, or was deleted)
 * with an API error of status 404; callers that create or wait for what is missing want null.
 * @module
 */
import { JetStreamApiError } from "@nats-io/jetstream";

/** What `lookup` resolves to, or null when JetStream says it does not exist. */
export function nullIfMissing<T>(lookup: Promise<T>): Promise<T | null> {
  return lookup.catch((error) => {
    if (error instanceof JetStreamApiError && error.status === 404) return null;
    throw error;
  });
}
