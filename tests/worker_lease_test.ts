/**
 * Worker ids leased in NATS KV never collide between live processes, and come back after the
 * holder is gone.
 * @module
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { leaseWorkerId, OFFLINE_TOOL_WORKER_ID } from "@ticketd/shared/ids/worker_lease.ts";
import { startTestNats } from "./support/nats.ts";

const options = { owner: "test", renewEveryMs: 200, onLost: () => {} };

Deno.test("leaseWorkerId - fifty concurrent leases get fifty different worker ids", async () => {
  const nats = await startTestNats();
  const connections = await Promise.all(
    Array.from({ length: 5 }, () => connect({ servers: nats.url })),
  );
  try {
    const buckets = await Promise.all(
      connections.map((nc) => new Kvm(nc).create("worker-ids", { ttl: 5_000 })),
    );
    const leases = await Promise.all(
      Array.from({ length: 50 }, (_, i) => leaseWorkerId(buckets[i % 5], options)),
    );
    assert.equal(new Set(leases.map((l) => l.workerId)).size, 50);
    await Promise.all(leases.map((l) => l.release()));
  } finally {
    await Promise.all(connections.map((nc) => nc.close()));
    await nats.stop();
  }
});

Deno.test("leaseWorkerId - a released id is free for the next process", async () => {
  const nats = await startTestNats();
  const nc = await connect({ servers: nats.url });
  try {
    const kv = await new Kvm(nc).create("worker-ids", { ttl: 5_000 });
    const lease = await leaseWorkerId(kv, options);
    await assert.rejects(kv.create(String(lease.workerId), "other"), "held while leased");
    await lease.release();
    await kv.create(String(lease.workerId), "other");
  } finally {
    await nc.close();
    await nats.stop();
  }
});

Deno.test("leaseWorkerId - a lease whose entry another process overwrote is reported lost at once", async () => {
  const nats = await startTestNats();
  const nc = await connect({ servers: nats.url });
  try {
    const kv = await new Kvm(nc).create("worker-ids", { ttl: 5_000 });
    const lost = Promise.withResolvers<unknown>();
    const lease = await leaseWorkerId(kv, { ...options, onLost: lost.resolve });
    await kv.put(String(lease.workerId), "someone else"); // the entry moved on without us
    await lost.promise;
    await lease.release();
  } finally {
    await nc.close();
    await nats.stop();
  }
});

Deno.test("leaseWorkerId - the offline tool's id is never leased: with every other id taken, none is left", async () => {
  const nats = await startTestNats();
  const nc = await connect({ servers: nats.url });
  try {
    const kv = await new Kvm(nc).create("worker-ids", { ttl: 60_000 });
    for (let id = 0; id < OFFLINE_TOOL_WORKER_ID; id++) await kv.create(String(id), "someone");
    await assert.rejects(leaseWorkerId(kv, options), /All 1023 worker ids are leased/);
    assert.equal(await kv.get(String(OFFLINE_TOOL_WORKER_ID)), null);
  } finally {
    await nc.close();
    await nats.stop();
  }
});

Deno.test("leaseServiceWorkerId - a process whose lease is lost exits 70 and its log says why", async () => {
  const nats = await startTestNats();
  const nc = await connect({ servers: nats.url });
  const entry = new URL("../shared/ids/testdata/lease_holder.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", entry],
    env: { NATS_URL: nats.url },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let said = "";
    while (!/worker id (\d+)/.test(said)) {
      const { value, done } = await stderr.read();
      if (done) throw new Error(`the lease holder ended early: ${said}`);
      said += value;
    }
    const workerId = said.match(/worker id (\d+)/)![1];
    const kv = await new Kvm(nc).open("worker-ids");
    await kv.put(workerId, "someone else"); // the holder sees its id taken on its next renewal
    const [status, stdout] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      stderr.cancel(),
    ]);
    assert.equal(status.code, 70);
    const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
    const lost = lines.find((line) => line.msg.startsWith("worker id lease lost"));
    assert.ok(lost, `no log line says why: ${stdout}`);
    assert.equal(lost.level, "error");
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await nc.close();
    await nats.stop();
  }
});
