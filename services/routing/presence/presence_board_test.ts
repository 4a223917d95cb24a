/**
 * Presence on a real nats-server: boards on separate connections stand for separate routing
 * instances.
 * @module
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { startTestNats } from "../../../tests/support/nats.ts";
import { PresenceBoard, type PresenceChange } from "./presence_board.ts";
import { openPresenceBucket, presenceKey } from "./presence_bucket.ts";

interface Instance {
  nc: NatsConnection;
  board: PresenceBoard;
  changes: PresenceChange[];
}

/** Runs `fn` with `count` started boards, each on its own connection, and tears all down. */
async function withBoards(
  ttlMs: number,
  count: number,
  fn: (instances: Instance[]) => Promise<void>,
): Promise<void> {
  const nats = await startTestNats();
  const instances: Instance[] = [];
  try {
    for (let i = 0; i < count; i++) instances.push(await instance(nats.url, ttlMs));
    await fn(instances);
  } finally {
    for (const { board, nc } of instances) {
      await board.stop();
      await nc.close();
    }
    await nats.stop();
  }
}

async function instance(url: string, ttlMs: number): Promise<Instance> {
  const nc = await connect({ servers: url });
  const board = new PresenceBoard(nc, await openPresenceBucket(nc, ttlMs), { ttlMs });
  const changes: PresenceChange[] = [];
  board.onChange((change) => changes.push(change));
  await board.start();
  return { nc, board, changes };
}

/** Polls `probe` every 20 ms until it holds, failing after `ms`. */
async function eventually(probe: () => boolean, ms: number, what: string): Promise<number> {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > ms) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

Deno.test("PresenceBoard - a heartbeat on one instance is seen by a board on another connection", async () => {
  await withBoards(30_000, 2, async ([a, b]) => {
    const beat = await a.board.heartbeat("acme", "101", "online");
    assert.equal(a.board.status("acme", "101"), "online", "the writer's board has it on return");
    await eventually(() => b.board.status("acme", "101") === "online", 2_000, "b sees 101");
    assert.deepEqual(b.changes, [beat]);
    assert.deepEqual(b.board.online("acme"), [beat]);
  });
});

Deno.test("PresenceBoard - every change is published on routing.presence.<tenant>.<agentId>", async () => {
  await withBoards(30_000, 1, async ([a]) => {
    const heard: PresenceChange[] = [];
    const sub = a.nc.subscribe("routing.presence.acme.*", {
      callback: (_, msg) => {
        heard.push(msg.json<PresenceChange>());
      },
    });
    await a.nc.flush();
    const online = await a.board.heartbeat("acme", "101", "online");
    await a.board.heartbeat("acme", "101", "online"); // a refresh, not a change
    const away = await a.board.heartbeat("acme", "101", "away");
    await eventually(() => heard.length >= 2, 2_000, "two messages");
    await a.nc.flush();
    assert.deepEqual(heard, [online, away]);
    sub.unsubscribe();
  });
});

Deno.test("PresenceBoard - an agent whose heartbeats stop goes offline within TTL plus a margin", async () => {
  const ttlMs = 1_000;
  await withBoards(ttlMs, 2, async ([a, b]) => {
    await a.board.heartbeat("acme", "101", "online");
    await eventually(() => b.board.status("acme", "101") === "online", 2_000, "b sees 101");
    const started = Date.now();
    await eventually(() => b.board.status("acme", "101") === "offline", ttlMs + 500, "expiry");
    const waited = Date.now() - started;
    assert.ok(waited >= ttlMs - 200, `offline after ${waited} ms, before the TTL`);
    assert.deepEqual(b.changes.map((c) => c.status), ["online", "offline"]);
    assert.deepEqual(b.board.online("acme"), []);
  });
});

Deno.test("PresenceBoard - heartbeats every third of the TTL keep an agent online", async () => {
  const ttlMs = 900;
  await withBoards(ttlMs, 2, async ([a, b]) => {
    for (let i = 0; i < 7; i++) { // 2 s, more than twice the TTL
      await a.board.heartbeat("acme", "101", "online");
      await new Promise((resolve) => setTimeout(resolve, ttlMs / 3));
    }
    assert.equal(b.board.status("acme", "101"), "online");
    assert.deepEqual(b.changes.map((c) => c.status), ["online"]);
  });
});

Deno.test("PresenceBoard - an explicit offline reaches every instance at once", async () => {
  await withBoards(30_000, 2, async ([a, b]) => {
    await a.board.heartbeat("acme", "101", "online");
    await eventually(() => b.board.status("acme", "101") === "online", 2_000, "online");
    await a.board.heartbeat("acme", "101", "offline");
    await eventually(() => b.board.status("acme", "101") === "offline", 2_000, "offline");
    assert.deepEqual(b.changes.map((c) => c.status), ["online", "offline"]);
  });
});

Deno.test("PresenceBoard - a deleted key counts as offline", async () => {
  await withBoards(30_000, 1, async ([a]) => {
    const nc = await connect({ servers: a.nc.getServer() });
    try {
      await a.board.heartbeat("acme", "101", "online");
      await (await openPresenceBucket(nc, 30_000)).delete(presenceKey("acme", "101"));
      await eventually(() => a.board.status("acme", "101") === "offline", 2_000, "offline");
    } finally {
      await nc.close();
    }
  });
});

Deno.test("PresenceBoard - a board started later loads who is present, and each stays per tenant", async () => {
  await withBoards(30_000, 1, async ([a]) => {
    await a.board.heartbeat("acme", "102", "away");
    await a.board.heartbeat("acme", "101", "online");
    await a.board.heartbeat("globex", "101", "online");
    const late = await instance(a.nc.getServer(), 30_000);
    try {
      assert.deepEqual(late.board.online("acme").map((p) => [p.agentId, p.status]), [
        ["101", "online"],
        ["102", "away"],
      ]);
      assert.deepEqual(late.board.online("globex").map((p) => p.agentId), ["101"]);
      assert.equal(late.board.status("initech", "101"), "offline");
    } finally {
      await late.board.stop();
      await late.nc.close();
    }
  });
});

Deno.test("PresenceBoard - a heartbeat loaded at start lapses by when it was stored, not loaded", async () => {
  const ttlMs = 1_500;
  await withBoards(ttlMs, 1, async ([a]) => {
    await a.board.heartbeat("acme", "101", "online");
    await new Promise((resolve) => setTimeout(resolve, 900));
    const late = await instance(a.nc.getServer(), ttlMs);
    try {
      assert.equal(late.board.status("acme", "101"), "online");
      const waited = await eventually(
        () => late.board.status("acme", "101") === "offline",
        ttlMs,
        "the loaded heartbeat lapses",
      );
      assert.ok(waited < ttlMs - 300, `lapsed ${waited} ms after loading: given a fresh TTL`);
    } finally {
      await late.board.stop();
      await late.nc.close();
    }
  });
});

// Deno 2.9 checks for leftover timers only when asked (sanitizeOps); a 60 s TTL arms a 60 s
// expiry timer, which the sanitizer reports if stop() left it.
Deno.test({
  name: "PresenceBoard - a stopped board leaves no timer and hears nothing more",
  sanitizeOps: true,
}, async () => {
  await withBoards(60_000, 2, async ([a, b]) => {
    await a.board.heartbeat("acme", "101", "online");
    await eventually(() => b.board.status("acme", "101") === "online", 2_000, "online");
    await b.board.stop();
    await a.board.heartbeat("acme", "101", "away");
    await a.nc.flush();
    assert.deepEqual(b.changes.map((c) => c.status), ["online"]);
    await assert.rejects(b.board.start(), /cannot start again/);
  });
});
