/**
 * The expiry collector on a real nats-server, with short expiries; instances on separate
 * connections stand for separate sessions processes.
 * @module
 */
import assert from "node:assert/strict";
import { type ExpiredListener, ExpiryCollector } from "./collector.ts";
import type { ConversationEvent, ConversationState } from "./conversation_port.ts";
import type { NatsConversations } from "./conversations.ts";
import { eventually, withInstances } from "./store/testing.ts";

const EXPIRY_MS = 400;
const customer = { role: "customer", id: "cust-1" } as const;

interface Expired {
  state: ConversationState;
  transcript: ConversationEvent[];
}

function collecting(conversations: NatsConversations) {
  const expired: Expired[] = [];
  const onExpired: ExpiredListener = (state, transcript) =>
    void expired.push({ state, transcript });
  return { expired, collector: new ExpiryCollector(conversations, { onExpired }) };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("ExpiryCollector - an idle conversation is closed as expired, handed over once with its transcript, and its state removed", async () => {
  await withInstances(1, async ({ instances: [a] }) => {
    const { expired, collector } = collecting(a.conversations);
    await collector.start();
    const { conversationId } = await a.conversations.open("acme", "cust-1");
    const message = { type: "message", from: customer, messageId: "1", text: "anyone?" } as const;
    await a.conversations.append("acme", conversationId, message);
    await eventually(() => expired.length === 1, EXPIRY_MS + 1_500, "the expiry");
    const [{ state, transcript }] = expired;
    assert.equal(state.status, "closed");
    assert.deepEqual(transcript.map((e) => e.type), ["joined", "message", "closed"]);
    const closed = transcript[2];
    assert.equal(closed.type === "closed" && closed.reason, "expired");
    assert.equal(transcript[1].type === "message" && transcript[1].text, "anyone?");
    await eventually(
      async () => (await a.conversations.get("acme", conversationId)) === null,
      1_000,
      "state removed",
    );
    await delay(EXPIRY_MS);
    assert.equal(expired.length, 1);
    assert.equal(collector.size, 0);
    await collector.stop();
  }, { expiryMs: EXPIRY_MS });
});

Deno.test("ExpiryCollector - activity on another instance keeps a conversation open past the expiry", async () => {
  await withInstances(2, async ({ instances: [a, b] }) => {
    const { expired, collector } = collecting(a.conversations);
    await collector.start();
    const { conversationId } = await b.conversations.open("acme", "cust-1");
    const started = Date.now();
    while (Date.now() - started < EXPIRY_MS * 3) {
      await b.conversations.append("acme", conversationId, { type: "typing", from: customer });
      await delay(EXPIRY_MS / 4);
    }
    assert.equal(expired.length, 0);
    assert.equal((await a.conversations.get("acme", conversationId))?.status, "bot");
    await eventually(
      () => expired.length === 1,
      EXPIRY_MS + 1_500,
      "the expiry once it went quiet",
    );
    await collector.stop();
  }, { expiryMs: EXPIRY_MS });
});

Deno.test("ExpiryCollector - of two instances' collectors only one closes each conversation", async () => {
  await withInstances(2, async ({ instances: [a, b] }) => {
    const first = collecting(a.conversations);
    const second = collecting(b.conversations);
    await first.collector.start();
    await second.collector.start();
    const ids = [];
    for (let i = 0; i < 10; i++) {
      ids.push((await a.conversations.open("acme", `cust-${i}`)).conversationId);
    }
    const total = () => first.expired.length + second.expired.length;
    await eventually(() => total() === 10, EXPIRY_MS + 3_000, "all ten expired");
    await delay(EXPIRY_MS);
    assert.equal(total(), 10);
    const closedIds = [...first.expired, ...second.expired].map((e) => e.state.conversationId);
    assert.deepEqual(closedIds.sort(), ids.sort());
    for (const e of [...first.expired, ...second.expired]) {
      assert.equal(e.transcript.filter((t) => t.type === "closed").length, 1);
    }
    await first.collector.stop();
    await second.collector.stop();
  }, { expiryMs: EXPIRY_MS });
});

Deno.test("ExpiryCollector - a conversation that went idle while no collector ran is closed from the log at start", async () => {
  await withInstances(1, async ({ instances: [a] }) => {
    const { conversationId } = await a.conversations.open("acme", "cust-1");
    await delay(EXPIRY_MS * 3); // the bucket has dropped the state by now, without a marker
    const { expired, collector } = collecting(a.conversations);
    await collector.start();
    await eventually(() => expired.length === 1, 1_500, "the late expiry");
    assert.equal(expired[0].state.conversationId, conversationId);
    await collector.stop();
  }, { expiryMs: EXPIRY_MS });
});

Deno.test("ExpiryCollector - a sweep asked for while one runs joins it instead of starting another", async () => {
  await withInstances(1, async ({ instances: [a] }) => {
    let calls = 0;
    let release = () => {};
    const held = new Promise<void>((resolve) => release = resolve);
    const collector = new ExpiryCollector(a.conversations, {
      onExpired: async () => {
        calls++;
        await held;
      },
    });
    await collector.start();
    await a.conversations.open("acme", "cust-1");
    await eventually(() => calls === 1, EXPIRY_MS + 1_500, "the first sweep under way");
    const again = collector.sweep();
    assert.equal(collector.sweep(), again);
    release();
    await again;
    assert.equal(calls, 1);
    await collector.stop();
  }, { expiryMs: EXPIRY_MS });
});

// sanitizeOps: Deno 2.9 reports a timer left armed only when asked.
Deno.test({
  name: "ExpiryCollector - stop leaves no timer armed, however far the next deadline",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await withInstances(1, async ({ instances: [a] }) => {
    const { expired, collector } = collecting(a.conversations);
    await collector.start();
    await a.conversations.open("acme", "cust-1"); // due in 60 s: its timer would outlive the test
    await eventually(() => collector.size === 1, 1_000, "the deadline indexed");
    await collector.stop();
    assert.equal(collector.size, 0);
    assert.equal(expired.length, 0);
  }, { expiryMs: 60_000 });
});
