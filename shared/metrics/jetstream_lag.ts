/**
 * JetStream lag per consumer a service owns, read at scrape time. A durable consumer is asked
 * for its counts (`num_pending`, `num_ack_pending`, `num_redelivered`); an ordered (ephemeral)
 * one is only known to the service, so its lag is the stream's last sequence minus the position
 * the service has applied. One failed read is one missing consumer, counted as a collect error
 * (the whole read is still bounded by the scrape's timeout).
 * @module
 */
import type { JetStreamManager } from "@nats-io/jetstream";
import type { MetricsRegistry } from "./registry.ts";

/** A consumer of `stream`: durable (asked by name) or followed by position (ordered). */
export type ConsumerLagSource =
  | { stream: string; consumer: string; durable: true }
  | { stream: string; consumer: string; durable: false; position: () => number };

/** Registers the consumer gauges; `sources` is asked at each scrape (what runs may change). */
export function jetstreamLag(
  registry: MetricsRegistry,
  jsm: JetStreamManager,
  sources: () => ConsumerLagSource[],
): void {
  const labels = ["stream", "consumer"] as const;
  const pending = registry.collected({
    name: "ticketd_jetstream_consumer_pending_messages",
    help: "Messages of the stream this consumer has not been delivered (not yet applied).",
    labels,
  }, "gauge");
  const ackPending = registry.collected({
    name: "ticketd_jetstream_consumer_ack_pending_messages",
    help: "Messages delivered to this durable consumer and not yet acknowledged.",
    labels,
  }, "gauge");
  const redelivered = registry.collected({
    name: "ticketd_jetstream_consumer_redelivered_messages",
    help: "Messages delivered to this durable consumer more than once and not yet acknowledged.",
    labels,
  }, "gauge");
  registry.collectorEach("jetstream_consumers", sources, async (source) => {
    const at = { stream: source.stream, consumer: source.consumer };
    if (!source.durable) {
      const last = (await jsm.streams.info(source.stream)).state.last_seq;
      return [pending.sample(at, Math.max(0, last - source.position()))];
    }
    const info = await jsm.consumers.info(source.stream, source.consumer);
    return [
      pending.sample(at, info.num_pending),
      ackPending.sample(at, info.num_ack_pending),
      redelivered.sample(at, info.num_redelivered),
    ];
  });
}
