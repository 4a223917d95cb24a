import assert from "node:assert/strict";
import { startHarness, TestSocket } from "./testing.ts";

Deno.test("socket - an auth frame with a valid token is answered ready with who the caller is", async () => {
  const harness = await startHarness();
  try {
    const socket = new TestSocket(harness.wsUrl);
    await socket.opened;
    socket.send({ type: "auth", token: await harness.token("customer:c1") });
    assert.deepEqual(await socket.next(), {
      type: "ready",
      principal: { id: "c1", role: "customer" },
    });
    await socket.close();
  } finally {
    await harness.close();
  }
});

Deno.test("socket - a socket that sends no auth frame within the deadline is closed with 1008", async () => {
  const harness = await startHarness({ limits: { authDeadlineMs: 100 } });
  try {
    const socket = new TestSocket(harness.wsUrl);
    await socket.opened;
    const error = await socket.next();
    assert.equal(error.code, "auth_timeout");
    assert.deepEqual(await socket.closed, { code: 1008, reason: "auth_timeout" });
  } finally {
    await harness.close();
  }
});

Deno.test("socket - a first frame other than auth is refused and the socket closed", async () => {
  const harness = await startHarness();
  try {
    const socket = new TestSocket(harness.wsUrl);
    await socket.opened;
    socket.send({ type: "open" });
    assert.equal((await socket.next()).code, "auth_required");
    assert.deepEqual(await socket.closed, { code: 1008, reason: "auth_required" });
  } finally {
    await harness.close();
  }
});

Deno.test("socket - a forged token is refused and the socket closed", async () => {
  const harness = await startHarness();
  try {
    const socket = new TestSocket(harness.wsUrl);
    await socket.opened;
    const token = await harness.token("agent:a1");
    const [header, payload] = token.split(".");
    socket.send({ type: "auth", token: `${header}.${payload}.${"A".repeat(86)}` });
    assert.equal((await socket.next()).code, "unauthorized");
    assert.equal((await socket.closed).code, 1008);
  } finally {
    await harness.close();
  }
});

Deno.test("socket - a second auth frame is an error frame, the socket stays open", async () => {
  const harness = await startHarness();
  try {
    const socket = await TestSocket.connect(harness, "customer:c1");
    socket.send({ type: "auth", token: await harness.token("agent:a1"), ref: "r1" });
    const error = await socket.next();
    assert.deepEqual([error.code, error.ref], ["already_authenticated", "r1"]);
    socket.send({ type: "ping" });
    assert.equal((await socket.next()).type, "pong");
    await socket.close();
  } finally {
    await harness.close();
  }
});

Deno.test("socket - a plain GET without an upgrade is answered 426", async () => {
  const harness = await startHarness();
  try {
    const response = await fetch(harness.wsUrl.replace("ws:", "http:"));
    assert.equal(response.status, 426);
    assert.equal((await response.json()).code, "upgrade_required");
  } finally {
    await harness.close();
  }
});
