/**
 * Audit's own metrics on the service's registry (shared/metrics/), read at each scrape: per
 * stream the lag (messages not yet written), the entries written and the position; whether this
 * instance is the writer; checkpoints signed. No tenant appears: the metrics describe the
 * service, not anyone's activity.
 * @module
 */
import type { MetricsRegistry } from "@ticketd/shared/metrics/registry.ts";

export interface MetricsSource {
  streams: { stream: string; lag: number | undefined; written: number; position: number }[];
  leading: boolean;
  checkpointsSigned: number;
}

/** Registers audit's families; `read` is asked at each scrape. */
export function auditMetrics(registry: MetricsRegistry, read: () => Promise<MetricsSource>): void {
  const byStream = { labels: ["stream"] as const };
  const lag = registry.collected({
    name: "ticketd_audit_lag_messages",
    help: "Messages of a source stream not yet written to the audit log.",
    ...byStream,
  }, "gauge");
  const written = registry.collected({
    name: "ticketd_audit_entries_written_total",
    help: "Audit entries this process wrote.",
    ...byStream,
  }, "counter");
  const position = registry.collected({
    name: "ticketd_audit_position",
    help: "The last source stream sequence written.",
    ...byStream,
  }, "gauge");
  const leading = registry.collected({
    name: "ticketd_audit_leading",
    help: "1 while this process is the audit writer.",
  }, "gauge");
  const signed = registry.collected({
    name: "ticketd_audit_checkpoints_signed_total",
    help: "Checkpoints this process signed.",
  }, "counter");
  registry.collector("audit", async () => {
    const source = await read();
    return [
      ...source.streams.flatMap((s) => [
        ...(s.lag === undefined ? [] : [lag.sample({ stream: s.stream }, s.lag)]),
        written.sample({ stream: s.stream }, s.written),
        position.sample({ stream: s.stream }, s.position),
      ]),
      leading.sample({}, source.leading ? 1 : 0),
      signed.sample({}, source.checkpointsSigned),
    ];
  });
}
