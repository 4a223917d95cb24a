import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { nodeConfig, startPrivateNatsCluster } from "./private_nats_cluster.ts";

Deno.test("nodeConfig - a node routes to every other node and listens on loopback only", () => {
  const all = [1, 2, 3].map((i) => ({
    name: `n${i}`,
    client: i,
    cluster: 10 + i,
    monitor: 20 + i,
  }));
  const config = nodeConfig(all[0], all, "/tmp/store");
  assert.match(config, /listen: "127\.0\.0\.1:1"/);
  assert.match(
    config,
    /routes: \["nats-route:\/\/127\.0\.0\.1:12", "nats-route:\/\/127\.0\.0\.1:13"\]/,
  );
  assert.doesNotMatch(config, /127\.0\.0\.1:11"\]/);
});

Deno.test({
  name: "startPrivateNatsCluster - an R3 stream keeps its messages on every node across a kill -9",
  sanitizeOps: false, // the client's reconnect timers outlive a killed server by design
  sanitizeResources: false,
  async fn() {
    const storeRoot = await Deno.makeTempDir({ prefix: "ticketd_cluster_test_" });
    const cluster = await startPrivateNatsCluster({ storeRoot });
    const nc = await connect({ servers: cluster.urls });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "C", subjects: ["c.>"], num_replicas: 3 });
      const js = jetstream(nc);
      for (let i = 0; i < 10; i++) await js.publish("c.x", String(i));
      const victim = cluster.node((await jsm.streams.info("C")).cluster!.leader!);
      await victim.kill();
      assert.equal(victim.running, false);
      // Until the two left elect a leader, publishes find no responders; the id makes retries safe.
      for (let i = 10; i < 20; i++) {
        for (let tries = 0;; tries++) {
          const ack = await js.publish("c.x", String(i), { msgID: `m${i}` }).catch(() => null);
          if (ack) break;
          assert.ok(tries < 150, "the two nodes left elected a leader");
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await victim.start();
      for (let tries = 0; (await victim.streamCopy("C"))?.messages !== 20; tries++) {
        assert.ok(tries < 100, "the restarted node caught up");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const node of cluster.nodes) {
        assert.deepEqual(await node.streamCopy("C"), { messages: 20, lastSeq: 20 }, node.name);
      }
    } finally {
      await nc.close();
      await cluster.stop();
      await Deno.remove(storeRoot, { recursive: true });
    }
  },
});
