/**
 * One projector per deployment, on real NATS KV: a second instance stands by and takes over
 * when the first stops.
 * @module
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { runWhileLeased } from "@ticketd/shared/runtime/lease_leader.ts";
import { startTestNats } from "./support/nats.ts";

function recordingProjector() {
  const state = { running: false, starts: 0 };
  return {
    state,
    start: () => Promise.resolve(void (state.running = true, state.starts++)),
    stop: () => Promise.resolve(void (state.running = false)),
  };
}

Deno.test("runWhileLeased - of two instances one projects; the other takes over when it stops", async () => {
  const nats = await startTestNats();
  const nc = await connect({ servers: nats.url });
  try {
    const kv = await new Kvm(nc).create("leases", { ttl: 5_000 });
    const log = createLogger("error");
    const options = { name: "ticket-read-model", renewEveryMs: 200, retryEveryMs: 100, log };
    const a = recordingProjector();
    const b = recordingProjector();
    const first = await runWhileLeased(kv, a, { ...options, owner: "a" });
    const second = await runWhileLeased(kv, b, { ...options, owner: "b" });
    assert.deepEqual([a.state.running, b.state.running], [true, false]);
    assert.deepEqual([first.leading, second.leading], [true, false]);
    await first.stop();
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual([a.state.running, b.state.running], [false, true]);
    await second.stop();
    assert.equal(b.state.running, false);
  } finally {
    await nc.close();
    await nats.stop();
  }
});

Deno.test("runWhileLeased - a runner that fails to start is stopped, and started again later", async () => {
  const nats = await startTestNats();
  const nc = await connect({ servers: nats.url });
  try {
    const kv = await new Kvm(nc).create("leases", { ttl: 5_000 });
    const log = createLogger("error");
    const state = { starts: 0, stops: 0 };
    const flaky = {
      start: () =>
        ++state.starts === 1 ? Promise.reject(new Error("no consumer")) : Promise.resolve(),
      stop: () => Promise.resolve(void state.stops++),
    };
    const options = { name: "ticket-read-model", renewEveryMs: 200, retryEveryMs: 100, log };
    const first = await runWhileLeased(kv, recordingProjector(), { ...options, owner: "a" });
    const second = await runWhileLeased(kv, flaky, { ...options, owner: "b" });
    await first.stop();
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(state.starts, 2, "the failed first start was followed by a second");
    assert.ok(state.stops >= 1 && second.leading);
    await second.stop();
  } finally {
    await nc.close();
    await nats.stop();
  }
});
