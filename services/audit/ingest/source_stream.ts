/**
 * Source streams are created by other services; audit only reads them and waits for them.
 * @module
 */
import type { JetStreamManager } from "@nats-io/jetstream";
import { nullIfMissing } from "@ticketd/shared/runtime/jetstream_missing.ts";

/** True once `stream` exists (another service creates it; audit only reads). */
export async function streamExists(jsm: JetStreamManager, stream: string): Promise<boolean> {
  return (await nullIfMissing(jsm.streams.info(stream))) !== null;
}
