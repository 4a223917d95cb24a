import assert from "node:assert/strict";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { withNats } from "../../tests/support/nats.ts";
import { jetstreamLag } from "./jetstream_lag.ts";
import { projectionLag } from "./projection_lag.ts";
import { MetricsRegistry } from "./registry.ts";

const sample = (text: string, line: string) =>
  text.split("\n").find((l) => l.startsWith(line + " "))?.slice(line.length + 1);

Deno.test("consumer lag - a durable's counts, an ordered one's head minus position, a missing one counted", () =>
  withNats(async (url) => {
    const nc = await connect({ servers: url });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "LAG", subjects: ["lag.>"] });
      await jsm.consumers.add("LAG", { durable_name: "reader", ack_policy: AckPolicy.Explicit });
      const js = jetstream(nc);
      for (let i = 0; i < 5; i++) await js.publish("lag.x", "m");
      const consumer = await js.consumers.get("LAG", "reader");
      const taken = await consumer.fetch({ max_messages: 2, expires: 2_000 });
      for await (const _ of taken) {
        // delivered, left unacknowledged
      }
      const registry = new MetricsRegistry();
      jetstreamLag(registry, jsm, () => [
        { stream: "LAG", consumer: "reader", durable: true },
        { stream: "LAG", consumer: "follower", durable: false, position: () => 3 },
        { stream: "LAG", consumer: "gone", durable: true },
      ]);
      projectionLag(registry, jsm, () => [
        { projection: "model", stream: "LAG", position: () => Promise.resolve(4) },
      ]);
      const text = await registry.text(2_000);
      const at = (consumer: string) => `{stream="LAG",consumer="${consumer}"}`;
      assert.equal(sample(text, `ticketd_jetstream_consumer_pending_messages${at("reader")}`), "3");
      assert.equal(
        sample(text, `ticketd_jetstream_consumer_ack_pending_messages${at("reader")}`),
        "2",
      );
      assert.equal(
        sample(text, `ticketd_jetstream_consumer_redelivered_messages${at("reader")}`),
        "0",
      );
      assert.equal(
        sample(text, `ticketd_jetstream_consumer_pending_messages${at("follower")}`),
        "2",
      );
      assert.equal(
        sample(text, `ticketd_jetstream_consumer_ack_pending_messages${at("follower")}`),
        undefined,
      );
      assert.equal(
        sample(text, `ticketd_jetstream_consumer_pending_messages${at("gone")}`),
        undefined,
      );
      assert.equal(
        sample(text, 'ticketd_metrics_collect_errors_total{collector="jetstream_consumers"}'),
        "1",
      );
      assert.equal(
        sample(text, 'ticketd_projection_position{projection="model",stream="LAG"}'),
        "4",
      );
      assert.equal(
        sample(text, 'ticketd_projection_lag_messages{projection="model",stream="LAG"}'),
        "1",
      );
    } finally {
      await nc.close();
    }
  }));
