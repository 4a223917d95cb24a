import assert from "node:assert/strict";
import { type Frame, type Harness, startHarness, TestSocket } from "./testing.ts";

async function withHarness(fn: (h: Harness) => Promise<void>, options = {}): Promise<void> {
  const harness = await startHarness(options);
  try {
    await fn(harness);
  } finally {
    await harness.close();
  }
}

/** Opens a conversation over `socket`; resolves once it is attached (live). */
async function open(socket: TestSocket): Promise<string> {
  socket.send({ type: "open" });
  const { conversation } = await socket.next((f) => f.type === "opened");
  await socket.next((f) => f.type === "attached");
  return conversation.conversationId;
}

const isMessage = (f: Frame) => f.type === "event" && f.event.type === "message";

Deno.test("socket - a customer opens a conversation, posts, and sees their message as an event", async () => {
  await withHarness(async (harness) => {
    const customer = await TestSocket.connect(harness, "customer:c1");
    const id = await open(customer);
    customer.send({
      type: "message",
      conversationId: id,
      text: "my order is late",
      clientMessageId: "m1",
    });
    const frames = await customer.until((f) => f.type === "ack");
    const ack = frames.at(-1)!;
    assert.deepEqual([ack.conversationId, ack.seq, ack.ref], [id, 1, "m1"]);
    const { event } = frames.find(isMessage)!;
    assert.deepEqual([event.seq, event.text, event.from], [1, "my order is late", {
      role: "customer",
      id: "c1",
    }]);
    await customer.close();
  });
});

Deno.test("socket - two customers each see only their own conversation's messages", async () => {
  await withHarness(async (harness) => {
    const alice = await TestSocket.connect(harness, "customer:alice");
    const bob = await TestSocket.connect(harness, "customer:bob");
    const aliceId = await open(alice);
    const bobId = await open(bob);
    alice.send({ type: "attach", conversationId: bobId, afterSeq: 0 });
    assert.equal((await alice.next((f) => f.type === "error")).code, "conversation_not_found");
    alice.send({ type: "message", conversationId: bobId, text: "intrusion" });
    assert.equal((await alice.next((f) => f.type === "error")).code, "conversation_not_found");
    alice.send({ type: "message", conversationId: aliceId, text: "from alice" });
    bob.send({ type: "message", conversationId: bobId, text: "from bob" });
    const aliceFrames = await alice.drain(150);
    const bobFrames = await bob.drain(0);
    const texts = (frames: Frame[]) => frames.filter(isMessage).map((f) => f.event.text);
    assert.deepEqual(texts(aliceFrames), ["from alice"]);
    assert.deepEqual(texts(bobFrames), ["from bob"]);
    assert.ok(aliceFrames.every((f) => f.conversationId !== bobId));
    assert.equal((await harness.conversations.get("acme", bobId))!.lastSeq, 1);
    await alice.close();
    await bob.close();
  });
});

Deno.test("socket - an agent attaches, joins over HTTP and the customer sees the agent's reply", async () => {
  await withHarness(async (harness) => {
    const customer = await TestSocket.connect(harness, "customer:c1");
    const id = await open(customer);
    const agent = await TestSocket.connect(harness, "agent:a1");
    agent.send({ type: "attach", conversationId: id, afterSeq: 0 });
    await agent.next((f) => f.type === "attached");
    assert.equal(
      (await harness.call("POST", `/sessions/conversations/${id}/join`, "agent:a1")).status,
      200,
    );
    agent.send({ type: "message", conversationId: id, text: "I can help" });
    const seen = await customer.next((f) => isMessage(f) && f.event.from.role === "agent");
    assert.equal(seen.event.text, "I can help");
    assert.equal(
      (await agent.next((f) => f.type === "event" && f.event.type === "joined")).event.seq,
      1,
    );
    await customer.close();
    await agent.close();
  });
});

Deno.test("socket - a resumed socket replays after the last seen seq: nothing lost, nothing repeated", async () => {
  await withHarness(async (harness) => {
    const first = await TestSocket.connect(harness, "customer:c1");
    const id = await open(first);
    for (const text of ["one", "two", "three"]) {
      first.send({ type: "message", conversationId: id, text });
    }
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push((await first.next(isMessage)).event.seq);
    first.socket.close(); // dropped
    await first.closed;
    // While the customer is away, the conversation goes on.
    await harness.call("POST", `/sessions/conversations/${id}/join`, "agent:a1");
    await harness.call("POST", `/sessions/conversations/${id}/messages`, "agent:a1", {
      text: "four",
    });
    const second = await TestSocket.connect(harness, "customer:c1");
    second.send({ type: "attach", conversationId: id, afterSeq: seen.at(-1) });
    const replayed = await second.until((f) => f.type === "attached");
    second.send({ type: "message", conversationId: id, text: "five" });
    const frames = [...replayed, ...await second.drain(150)].filter((f) => f.type === "event");
    const all = [...seen, ...frames.map((f) => f.event.seq)];
    assert.deepEqual(all, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(frames.map((f) => f.event.type), ["joined", "message", "message"]);
    await second.close();
  });
});

Deno.test("socket - a message retried with the same clientMessageId after a reconnect is posted once", async () => {
  await withHarness(async (harness) => {
    const first = await TestSocket.connect(harness, "customer:c1");
    const id = await open(first);
    const frame = { type: "message", conversationId: id, text: "once", clientMessageId: "k-1" };
    first.send(frame);
    const ack = await first.next((f) => f.type === "ack");
    await first.close();
    const second = await TestSocket.connect(harness, "customer:c1");
    second.send(frame);
    const again = await second.next((f) => f.type === "ack");
    assert.deepEqual([again.seq, again.messageId], [ack.seq, ack.messageId]);
    assert.equal((await harness.conversations.get("acme", id))!.lastSeq, 1);
    await second.close();
  });
});

Deno.test("socket - one socket follows several conversations, events tagged with their id", async () => {
  await withHarness(async (harness) => {
    const one = await harness.conversations.open("acme", "c1");
    const two = await harness.conversations.open("acme", "c2");
    const agent = await TestSocket.connect(harness, "supervisor:s1");
    for (const c of [one, two]) {
      agent.send({ type: "attach", conversationId: c.conversationId, afterSeq: 0 });
      await agent.next((f) => f.type === "attached");
    }
    const from = { role: "customer" as const };
    await harness.conversations.append("acme", two.conversationId, {
      type: "typing",
      from: { ...from, id: "c2" },
    });
    await harness.conversations.append("acme", one.conversationId, {
      type: "typing",
      from: { ...from, id: "c1" },
    });
    const events = (await agent.drain(100)).filter((f) => f.type === "event");
    assert.deepEqual(events.map((f) => [f.conversationId, f.event.from.id]), [
      [two.conversationId, "c2"],
      [one.conversationId, "c1"],
    ]);
    await agent.close();
  });
});

Deno.test("socket - closing the socket stops every follow subscription it started", async () => {
  await withHarness(async (harness) => {
    const customer = await TestSocket.connect(harness, "customer:c1");
    await open(customer);
    await open(customer);
    assert.equal(harness.conversations.followers, 2);
    await customer.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(harness.conversations.followers, 0);
  });
});

Deno.test("socket - detach and a closing conversation stop the follow subscription", async () => {
  await withHarness(async (harness) => {
    const customer = await TestSocket.connect(harness, "customer:c1");
    const first = await open(customer);
    const second = await open(customer);
    customer.send({ type: "detach", conversationId: first });
    await customer.next((f) => f.type === "detached");
    assert.equal(harness.conversations.followers, 1);
    await harness.call("POST", `/sessions/conversations/${second}/close`, "customer:c1");
    await customer.next((f) => f.type === "event" && f.event.type === "closed");
    assert.equal(harness.conversations.followers, 0);
    await customer.close();
  });
});

Deno.test("socket - agents and customers get their own notifications pushed; auditors none", async () => {
  const feeds: string[] = [];
  const notifications = (principal: { id: string }, push: (n: unknown) => void) => {
    feeds.push(`start:${principal.id}`);
    push({ id: "1", kind: "assigned", agentId: principal.id });
    return () => feeds.push(`stop:${principal.id}`);
  };
  await withHarness(async (harness) => {
    const agent = await TestSocket.connect(harness, "agent:a1");
    const pushed = await agent.next((f) => f.type === "notification");
    assert.deepEqual(pushed.notification, { id: "1", kind: "assigned", agentId: "a1" });
    const customer = await TestSocket.connect(harness, "customer:c1");
    await customer.next((f) => f.type === "notification");
    const auditor = await TestSocket.connect(harness, "auditor:u1");
    assert.deepEqual((await auditor.drain(50)).filter((f) => f.type === "notification"), []);
    for (const socket of [agent, customer, auditor]) await socket.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(feeds.sort(), ["start:a1", "start:c1", "stop:a1", "stop:c1"]);
  }, { notifications });
});

Deno.test("socket - its frames' events record the upgrade request's address and request id", async () => {
  await withHarness(async (harness) => {
    const customer = await TestSocket.connect(harness, "customer:c1");
    const id = await open(customer);
    customer.send({ type: "message", conversationId: id, text: "hello", clientMessageId: "m1" });
    const frames = await customer.until((f) => f.type === "ack");
    const { event } = frames.find(isMessage)!;
    assert.equal("ip" in event || "requestId" in event, false, "not sent to the participants");
    const opened = harness.conversations.sourceOf("acme", id, 0);
    assert.equal(opened?.ip, "127.0.0.1");
    assert.match(opened?.requestId ?? "", /^[0-9a-f-]{36}$/, "the upgrade got a request id");
    assert.deepEqual(harness.conversations.sourceOf("acme", id, 1), opened, "one per socket");
  });
});
