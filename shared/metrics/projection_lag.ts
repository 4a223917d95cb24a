/**
 * How far a service's own position on a stream is behind the stream, read at scrape time: the
 * tickets read model's committed position, routing's acted position, audit's written one.
 * @module
 */
import type { JetStreamManager } from "@nats-io/jetstream";
import type { MetricsRegistry } from "./registry.ts";

export interface ProjectionSource {
  /** `ticket-read-model`, `routing-acted`. */
  projection: string;
  stream: string;
  /** The last stream sequence the projection has applied (0 = none). */
  position: () => number | Promise<number>;
}

/** Registers `ticketd_projection_position` and `ticketd_projection_lag_messages`. */
export function projectionLag(
  registry: MetricsRegistry,
  jsm: JetStreamManager,
  sources: () => ProjectionSource[],
): void {
  const labels = ["projection", "stream"] as const;
  const position = registry.collected({
    name: "ticketd_projection_position",
    help: "The last stream sequence this projection has applied.",
    labels,
  }, "gauge");
  const lag = registry.collected({
    name: "ticketd_projection_lag_messages",
    help: "Messages of the stream not yet applied by this projection (last sequence - position).",
    labels,
  }, "gauge");
  registry.collectorEach("projections", sources, async (source) => {
    const at = { projection: source.projection, stream: source.stream };
    const [applied, info] = await Promise.all([source.position(), jsm.streams.info(source.stream)]);
    return [
      position.sample(at, applied),
      lag.sample(at, Math.max(0, info.state.last_seq - applied)),
    ];
  });
}
