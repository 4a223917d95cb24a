import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { startTestNats, withNats } from "./nats.ts";

Deno.test("withNats - gives a JetStream server and shuts it down afterwards", async () => {
  let seen = "";
  await withNats(async (url) => {
    seen = url;
    const nc = await connect({ servers: url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "support", subjects: ["support.>"] });
    assert.equal((await jsm.getAccountInfo()).streams, 1);
    await nc.close();
  });
  const port = Number(new URL(seen).port);
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }));
});

Deno.test("startTestNats - two servers are independent and stop twice without error", async () => {
  const [a, b] = await Promise.all([startTestNats(), startTestNats()]);
  try {
    assert.notEqual(a.url, b.url);
    const nc = await connect({ servers: a.url });
    await (await jetstreamManager(nc)).streams.add({ name: "only_a", subjects: ["a.>"] });
    await nc.close();
    const nc2 = await connect({ servers: b.url });
    assert.equal((await (await jetstreamManager(nc2)).getAccountInfo()).streams, 0);
    await nc2.close();
  } finally {
    await a.stop();
    await b.stop();
    await a.stop();
  }
  for (const dir of [a.storeDir, b.storeDir]) {
    await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
  }
});
