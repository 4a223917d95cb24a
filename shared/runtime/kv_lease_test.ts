import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { tryLease } from "./kv_lease.ts";
import { startPrivateNats } from "./private_nats.ts";
import { startPrivateNatsCluster } from "./private_nats_cluster.ts";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withStore(fn: (storeDir: string) => Promise<void>): Promise<void> {
  const storeDir = await Deno.makeTempDir({ prefix: "ticketd_kv_lease_test_" });
  try {
    await fn(storeDir);
  } finally {
    await Deno.remove(storeDir, { recursive: true }).catch(() => {});
  }
}

Deno.test("tryLease - a renewal that landed unanswered (same owner, new revision) is kept", () =>
  withStore(async (storeDir) => {
    const nats = await startPrivateNats({ storeDir });
    const nc = await connect({ servers: nats.url });
    try {
      const kv = await new Kvm(nc).create("leases", { ttl: 5_000 });
      let lost: unknown = null;
      const lease = await tryLease(kv, "k", {
        owner: "me",
        renewEveryMs: 100,
        ttlMs: 5_000,
        onLost: (error) => lost = error,
      });
      assert.ok(lease);
      const landed = await kv.put("k", "me"); // what a renewal whose answer was lost leaves
      await pause(500);
      assert.equal(lost, null);
      assert.ok((await kv.get("k"))!.revision > landed + 1, "renewals go on from that revision");
      await lease.release();
    } finally {
      await nc.close();
      await nats.stop();
    }
  }));

Deno.test({
  name: "tryLease - renewals failing with the server down are retried, and the lease is given " +
    "up at its TTL minus the margin, not at the first failure",
  sanitizeOps: false, // the client's reconnect timers outlive the stopped server
  sanitizeResources: false,
  fn: () =>
    withStore(async (storeDir) => {
      const nats = await startPrivateNats({ storeDir });
      const nc = await connect({ servers: nats.url, reconnectTimeWait: 100 });
      try {
        const kv = await new Kvm(nc).create("leases", { ttl: 2_500 });
        const lost = Promise.withResolvers<number>();
        const lease = await tryLease(kv, "k", {
          owner: "me",
          renewEveryMs: 200,
          ttlMs: 2_500,
          safetyMarginMs: 500,
          onLost: () => lost.resolve(performance.now()),
        });
        assert.ok(lease);
        await pause(300);
        const down = performance.now();
        await nats.stop();
        const lostAfterMs = await lost.promise - down;
        // The last confirmed renewal was sent at most 200 ms (+ its round trip) before `down`.
        assert.ok(lostAfterMs > 2_000 - 300, `kept while time remained (${lostAfterMs} ms)`);
        assert.ok(lostAfterMs <= 2_000 + 50, `given up before the TTL (${lostAfterMs} ms)`);
        await lease.release();
      } finally {
        await nc.close();
      }
    }),
});

Deno.test({
  name: "tryLease - on a three-node cluster a kill -9 of the bucket's leader loses no lease",
  sanitizeOps: false, // the client's reconnect timers outlive a killed server by design
  sanitizeResources: false,
  fn: () =>
    withStore(async (storeRoot) => {
      const cluster = await startPrivateNatsCluster({ storeRoot });
      const nc = await connect({ servers: cluster.urls });
      try {
        const kv = await new Kvm(nc).create("leases", { ttl: 30_000, replicas: 3 });
        let lost: unknown = null;
        const lease = await tryLease(kv, "k", {
          owner: "me",
          renewEveryMs: 100,
          ttlMs: 30_000,
          onLost: (error) => lost = error,
        });
        assert.ok(lease);
        const jsm = await jetstreamManager(nc);
        const leader = (await jsm.streams.info("KV_leases")).cluster!.leader!;
        const before = (await kv.get("k"))!.revision;
        await cluster.node(leader).kill();
        const deadline = Date.now() + 15_000;
        while (((await kv.get("k").catch(() => null))?.revision ?? 0) <= before) {
          assert.ok(Date.now() < deadline, "renewals resumed on the new leader");
          await pause(200);
        }
        assert.equal(lost, null, "seconds of failed renewals are not a lost lease");
        await lease.release();
      } finally {
        await nc.close();
        await cluster.stop();
      }
    }),
});
