/**
 * Source streams are created by other services; audit only reads them and waits for them.
 * @module
 */
import { JetStreamApiError, type JetStreamManager } from "@nats-io/jetstream";

/** True once `stream` exists (another service creates it; audit only reads). */
export async function streamExists(jsm: JetStreamManager, stream: string): Promise<boolean> {
  try {
    await jsm.streams.info(stream);
    return true;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.status === 404) return false;
    throw error;
  }
}
