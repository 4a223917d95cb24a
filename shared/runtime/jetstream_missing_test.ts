import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { nullIfMissing } from "./jetstream_missing.ts";
import { startPrivateNats } from "./private_nats.ts";

Deno.test("nullIfMissing - a missing stream or consumer is null, one that exists is returned, other errors are thrown", async () => {
  const storeDir = await Deno.makeTempDir({ prefix: "ticketd_jetstream_missing_test_" });
  const nats = await startPrivateNats({ storeDir });
  const nc = await connect({ servers: nats.url });
  try {
    const jsm = await jetstreamManager(nc);
    assert.equal(await nullIfMissing(jsm.streams.info("NOPE")), null);
    await jsm.streams.add({ name: "THERE", subjects: ["there.>"] });
    assert.equal((await nullIfMissing(jsm.streams.info("THERE")))?.config.name, "THERE");
    assert.equal(await nullIfMissing(jsm.consumers.info("THERE", "nobody")), null);
    await assert.rejects(nullIfMissing(Promise.reject(new Error("connection closed"))), /closed/);
  } finally {
    await nc.close();
    await nats.stop();
    await Deno.remove(storeDir, { recursive: true }).catch(() => {});
  }
});
