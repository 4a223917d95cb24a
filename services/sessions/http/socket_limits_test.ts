import assert from "node:assert/strict";
import { type HarnessOptions, startHarness, TestSocket } from "./testing.ts";
import type { Harness } from "./testing.ts";

async function withHarness(options: HarnessOptions, fn: (h: Harness) => Promise<void>) {
  const harness = await startHarness(options);
  try {
    await fn(harness);
  } finally {
    await harness.close();
  }
}

Deno.test("socket limits - a frame over frameBytes gets frame_too_large and a 1009 close", async () => {
  await withHarness({ limits: { frameBytes: 1_000 } }, async (harness) => {
    const socket = await TestSocket.connect(harness, "customer:c1");
    socket.send({ type: "ping", ref: "x".repeat(1_000) });
    assert.equal((await socket.next()).code, "frame_too_large");
    assert.deepEqual(await socket.closed, { code: 1009, reason: "frame_too_large" });
  });
});

Deno.test("socket limits - frame size counts UTF-8 bytes, not characters", async () => {
  await withHarness({ limits: { frameBytes: 1_000 } }, async (harness) => {
    const socket = await TestSocket.connect(harness, "customer:c1");
    socket.send({ type: "ping", ref: "é".repeat(300) }); // 600 bytes: fits
    assert.notEqual((await socket.next()).code, "frame_too_large");
    socket.send(JSON.stringify({ type: "ping" }) + " ".repeat(20) + "€".repeat(330)); // 1,010 bytes
    assert.equal(
      (await socket.next((f) => f.type === "error" && f.code !== "malformed_json")).code,
      "frame_too_large",
    );
    assert.equal((await socket.closed).code, 1009);
  });
});

Deno.test("socket limits - a flood is refused with rate_limited, then closed with 1008", async () => {
  const limits = { framesPerSecond: 1, frameBurst: 3, rateLimitStrikes: 5 };
  await withHarness({ limits }, async (harness) => {
    const socket = await TestSocket.connect(harness, "customer:c1"); // auth took one token
    // Exactly enough to be closed: Deno drops the connection (no close code) when a client
    // keeps sending after the server's close frame.
    for (let i = 0; i < 7; i++) socket.send({ type: "ping", ref: String(i) });
    const frames = await socket.until((f) =>
      f.code === "rate_limited" && f.message === "Too many frames"
    );
    const kinds = frames.map((f) => f.type === "pong" ? "pong" : f.code);
    assert.deepEqual(kinds, [
      "pong",
      "pong",
      "rate_limited",
      "rate_limited",
      "rate_limited",
      "rate_limited",
      "rate_limited",
    ]);
    assert.deepEqual(await socket.closed, { code: 1008, reason: "rate_limited" });
  });
});

Deno.test("socket limits - a steady client under the rate is never refused", async () => {
  const limits = { framesPerSecond: 50, frameBurst: 2, rateLimitStrikes: 1 };
  await withHarness({ limits }, async (harness) => {
    const socket = await TestSocket.connect(harness, "customer:c1");
    for (let i = 0; i < 8; i++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      socket.send({ type: "ping", ref: String(i) });
      assert.equal((await socket.next()).type, "pong");
    }
    await socket.close();
  });
});

Deno.test("socket limits - connections over the per-address limit are refused with 429 before upgrading", async () => {
  await withHarness({ limits: { connectionsPerAddress: 2 } }, async (harness) => {
    const one = await TestSocket.connect(harness, "customer:c1");
    const two = await TestSocket.connect(harness, "customer:c2");
    const refused = await fetch(harness.wsUrl.replace("ws:", "http:"), {
      headers: {
        upgrade: "websocket",
        connection: "upgrade",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    assert.equal(refused.status, 429);
    assert.equal((await refused.json()).code, "too_many_connections");
    await one.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const three = await TestSocket.connect(harness, "customer:c3"); // a slot came free
    await two.close();
    await three.close();
  });
});

Deno.test("socket limits - the per-address limit counts the address the integrator passes", async () => {
  await withHarness(
    { limits: { connectionsPerAddress: 1 }, remoteAddr: "203.0.113.9" },
    async (harness) => {
      const one = await TestSocket.connect(harness, "customer:c1");
      const second = new TestSocket(harness.wsUrl);
      await assert.rejects(second.opened);
      await one.close();
    },
  );
});

Deno.test("socket limits - a socket silent for idleMs is closed; pings keep it open", async () => {
  await withHarness({ limits: { idleMs: 150 } }, async (harness) => {
    const quiet = await TestSocket.connect(harness, "customer:c1");
    const chatty = await TestSocket.connect(harness, "customer:c2");
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      chatty.send({ type: "ping" });
    }
    assert.equal((await quiet.next()).code, "idle_timeout");
    assert.deepEqual(await quiet.closed, { code: 1000, reason: "idle_timeout" });
    assert.equal(chatty.socket.readyState, WebSocket.OPEN);
    await chatty.close();
  });
});
