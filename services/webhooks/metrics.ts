/**
 * The webhooks service's own metrics on its registry (shared/metrics/), read at scrape time:
 * each feed's durable consumer and position behind its stream, the outbox by status, and this
 * process's attempts by outcome.
 * @module
 */
import type { JetStreamManager } from "@nats-io/jetstream";
import type { Sql } from "postgres";
import { jetstreamLag } from "@ticketd/shared/metrics/jetstream_lag.ts";
import { projectionLag } from "@ticketd/shared/metrics/projection_lag.ts";
import type { MetricsRegistry } from "@ticketd/shared/metrics/registry.ts";
import type { Dispatcher } from "./dispatch/dispatcher.ts";
import type { StreamFeed } from "@ticketd/shared/runtime/stream_feed.ts";
import { DELIVERY_STATUSES } from "./store/deliveries.ts";

export interface WebhookMetricsDeps {
  jsm: JetStreamManager;
  sql: Sql;
  feeds: readonly StreamFeed[];
  dispatcher: Dispatcher;
  /** Feeds and dispatcher run only in the instance holding the writer lease. */
  leading: () => boolean;
}

/** Registers the webhook metrics on `registry`. */
export function webhookMetrics(registry: MetricsRegistry, deps: WebhookMetricsDeps): void {
  const running = () => deps.leading() ? deps.feeds : [];
  jetstreamLag(
    registry,
    deps.jsm,
    () => running().map((feed) => ({ stream: feed.stream, consumer: feed.durable, durable: true })),
  );
  projectionLag(registry, deps.jsm, () =>
    running().map((feed) => ({
      projection: "webhooks-outbox",
      stream: feed.stream,
      position: () => feed.position,
    })));
  const outbox = registry.collected({
    name: "ticketd_webhook_deliveries",
    help: "Deliveries in the outbox by status (pending, succeeded, failed).",
    labels: ["status"],
  }, "gauge");
  registry.collector("webhook_outbox", async () => {
    const rows = await deps.sql<{ status: string; count: number }[]>`
      select status, count(*)::int as count from webhook_deliveries group by status`;
    // Every status from the first scrape on, 0 when none: an absent series is not a zero.
    const counts = new Map(rows.map((row) => [row.status, row.count]));
    return DELIVERY_STATUSES.map((status) => outbox.sample({ status }, counts.get(status) ?? 0));
  });
  const attempts = registry.collected({
    name: "ticketd_webhook_attempts_total",
    help: "Delivery attempts by this process, by outcome (succeeded, retrying, failed).",
    labels: ["outcome"],
  }, "counter");
  registry.collector("webhook_attempts", () => {
    const { attempts: all, succeeded, failed } = deps.dispatcher.counts;
    return Promise.resolve([
      attempts.sample({ outcome: "succeeded" }, succeeded),
      attempts.sample({ outcome: "retrying" }, all - succeeded - failed),
      attempts.sample({ outcome: "failed" }, failed),
    ]);
  });
}
