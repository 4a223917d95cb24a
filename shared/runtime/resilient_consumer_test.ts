import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
} from "@nats-io/jetstream";
import { createLogger } from "../log/logger.ts";
import { startTestNats } from "../../tests/support/nats.ts";
import { ResilientConsumer } from "./resilient_consumer.ts";
import { consumeInOrder, WHOLE_STREAM } from "./resilient_consumer_order.ts";

const options = { sanitizeOps: false, sanitizeResources: false };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withJetStream(fn: (js: JetStreamClient, jsm: JetStreamManager) => Promise<void>) {
  const nats = await startTestNats();
  const nc = await connect({ servers: nats.url });
  try {
    await fn(jetstream(nc), await jetstreamManager(nc));
  } finally {
    await nc.drain();
    await nats.stop();
  }
}

/** An ack-all durable applying into `applied`, recreated after the last applied on each open. */
function recordingConsumer(js: JetStreamClient, jsm: JetStreamManager) {
  const applied: number[] = [];
  const lines: string[] = [];
  const log = createLogger("warn", {}, {
    write: (chunk) => Promise.resolve(lines.push(...new TextDecoder().decode(chunk).split("\n"))),
  });
  const position = () => applied.at(-1) ?? 0;
  const consumer = new ResilientConsumer({
    name: "recorder",
    log,
    position,
    open: async () => {
      if (!(await jsm.streams.info("S").catch(() => null))) return null;
      await jsm.consumers.delete("S", "recorder").catch(() => {});
      await jsm.consumers.add("S", {
        durable_name: "recorder",
        ack_policy: AckPolicy.All,
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: position() + 1,
      });
      const durable = await js.consumers.get("S", "recorder");
      return await durable.consume({ abort_on_missing_resource: true });
    },
    consume: (messages) =>
      consumeInOrder(messages, {
        batchSize: 10,
        position,
        nextStored: WHOLE_STREAM,
        apply: (ready) => {
          applied.push(...ready.map((m) => m.seq));
          ready.at(-1)!.ack();
          return Promise.resolve();
        },
      }),
    maxReopenDelayMs: 200,
  });
  return { consumer, applied, lines, log };
}

Deno.test(
  "ResilientConsumer - a consumer deleted mid-stream is reopened, logged and counted: each message once",
  options,
  () =>
    withJetStream(async (js, jsm) => {
      await jsm.streams.add({ name: "S", subjects: ["s.>"] });
      const { consumer, applied, lines, log } = recordingConsumer(js, jsm);
      await consumer.start();
      for (let i = 1; i <= 100; i++) {
        await js.publish("s.x", String(i));
        if (i === 40) await jsm.consumers.delete("S", "recorder");
      }
      for (let i = 0; i < 100 && applied.length < 100; i++) await pause(50);
      await consumer.stop();
      assert.deepEqual(applied, Array.from({ length: 100 }, (_, i) => i + 1));
      assert.equal(consumer.reopens, 1);
      await log.flush();
      const warning = JSON.parse(lines.find((l) => l.includes("reopening"))!);
      assert.deepEqual([warning.level, warning.consumer, warning.reopens], ["warn", "recorder", 0]);
    }),
);

Deno.test(
  "ResilientConsumer - started waiting, it opens once the stream appears, and stops while waiting",
  options,
  () =>
    withJetStream(async (js, jsm) => {
      const waiting = recordingConsumer(js, jsm);
      await waiting.consumer.start({ waiting: true });
      await pause(300);
      await waiting.consumer.stop(); // returns although nothing was ever opened
      const { consumer, applied, lines, log } = recordingConsumer(js, jsm);
      await consumer.start({ waiting: true });
      await jsm.streams.add({ name: "S", subjects: ["s.>"] });
      await js.publish("s.x", "1");
      for (let i = 0; i < 60 && applied.length < 1; i++) await pause(50);
      await consumer.stop();
      assert.deepEqual(applied, [1]);
      assert.equal(consumer.reopens, 0, "a first open is no reopen");
      await log.flush();
      assert.deepEqual(lines.filter((l) => l !== ""), [], "waiting for a stream is quiet");
    }),
);
