/**
 * The projector's durable consumer must start right after the position stored in Postgres. If
 * the consumer disagrees (a crash left deliveries unacknowledged, the database was restored or
 * rebuilt), it is recreated at that position rather than waiting out redelivery timers.
 * @module
 */
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { ALL_TICKETS_SUBJECT } from "@ticketd/shared/events/tickets.ts";

/**
 * Makes sure durable `name` on `stream` delivers everything after `position`; `fresh` recreates
 * it even if it agrees (after it ended or stalled, its server-side state is not trusted).
 */
export async function ensureProjectorConsumer(
  jsm: JetStreamManager,
  stream: string,
  name: string,
  position: number,
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
    max_ack_pending: 20_000,
    filter_subject: ALL_TICKETS_SUBJECT,
    ...(position > 0
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 }
      : { deliver_policy: DeliverPolicy.All }),
  });
}
