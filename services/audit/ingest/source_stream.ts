/**
 * The durable consumer of one source stream must start right after the position stored in
 * PostgreSQL; when it disagrees (a crash left deliveries unacknowledged, the database was
 * restored) it is recreated there rather than waiting out redelivery timers. No subject filter:
 * every message of the stream becomes an entry.
 * @module
 */
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamManager,
} from "@nats-io/jetstream";

/**
 * Makes sure durable `name` on `stream` delivers everything after `position`; `fresh` recreates
 * it even if it agrees (after it ended, stalled or skipped a delivery, its state is not trusted).
 */
export async function ensureAuditConsumer(
  jsm: JetStreamManager,
  stream: string,
  name: string,
  position: number,
  maxAckPending: number,
  fresh = false,
): Promise<void> {
  const info = await jsm.consumers.info(stream, name).catch((error) => {
    if (error instanceof JetStreamApiError && error.status === 404) return null;
    throw error;
  });
  const agrees = info?.ack_floor.stream_seq === position && info.num_ack_pending === 0;
  if (agrees && !fresh) return;
  if (info) await jsm.consumers.delete(stream, name);
  await jsm.consumers.add(stream, {
    durable_name: name,
    ack_policy: AckPolicy.All,
    ack_wait: 30_000_000_000,
    max_ack_pending: maxAckPending,
    ...(position > 0
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 }
      : { deliver_policy: DeliverPolicy.All }),
  });
}

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
