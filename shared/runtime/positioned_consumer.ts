/**
 * A durable consumer that must start right after a position stored in the database (the
 * projector, audit ingestion). When it disagrees (a crash left deliveries unacknowledged, the
 * database was restored or rebuilt) it is recreated there rather than waiting out redelivery
 * timers.
 * @module
 */
import { AckPolicy, DeliverPolicy, type JetStreamManager } from "@nats-io/jetstream";
import { nullIfMissing } from "./jetstream_missing.ts";

export interface PositionedConsumer {
  stream: string;
  name: string;
  /** The last stream sequence stored; delivery starts right after it. */
  position: number;
  maxAckPending: number;
  /** Omitted: every message of the stream. */
  filterSubject?: string;
}

/**
 * Makes sure the durable consumer delivers everything after `position`; `fresh` recreates it even
 * if it agrees (after it ended, stalled or skipped a delivery, its server-side state is not
 * trusted).
 */
export async function ensurePositionedConsumer(
  jsm: JetStreamManager,
  wanted: PositionedConsumer,
  fresh = false,
): Promise<void> {
  const { stream, name, position } = wanted;
  const info = await nullIfMissing(jsm.consumers.info(stream, name));
  const agrees = info?.ack_floor.stream_seq === position && info.num_ack_pending === 0;
  if (agrees && !fresh) return;
  if (info) await jsm.consumers.delete(stream, name);
  await jsm.consumers.add(stream, {
    durable_name: name,
    ack_policy: AckPolicy.All,
    ack_wait: 30_000_000_000,
    max_ack_pending: wanted.maxAckPending,
    ...(wanted.filterSubject ? { filter_subject: wanted.filterSubject } : {}),
    ...(position > 0
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 }
      : { deliver_policy: DeliverPolicy.All }),
  });
}
