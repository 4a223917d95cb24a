/**
 * NatsConversations on a real nats-server; instances on separate connections stand for
 * separate sessions processes.
 * @module
 */
import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { DomainError } from "@ticketd/shared/errors.ts";
import { SESSIONS_STREAM } from "@ticketd/shared/events/sessions.ts";
import type { ConversationEvent } from "./conversation_port.ts";
import { eventually, withInstances } from "./store/testing.ts";

const bot = { role: "bot", id: "faq" } as const;
const agent = { role: "agent", id: "agent-7" } as const;
const customerOf = (id: string) => ({ role: "customer", id }) as const;

function refusedWith(code: string) {
  return (error: unknown) => error instanceof DomainError && error.code === code;
}

function say(customerId: string, n: number, text = `message ${n}`) {
  return { type: "message", from: customerOf(customerId), messageId: String(n), text } as const;
}

Deno.test("NatsConversations - open, append and follow from the start deliver every event in order with its text", async () => {
  await withInstances(1, async ({ instances: [a] }) => {
    const opened = await a.conversations.open("acme", "cust-1");
    assert.equal(opened.status, "bot");
    await a.conversations.append("acme", opened.conversationId, { type: "joined", from: bot });
    await a.conversations.append("acme", opened.conversationId, say("cust-1", 1, "Hallo, 你好"));
    const seen: ConversationEvent[] = [];
    const stop = await a.conversations.follow(
      "acme",
      opened.conversationId,
      0,
      (e) => seen.push(e),
    );
    assert.deepEqual(seen.map((e) => [e.seq, e.type]), [[1, "joined"], [2, "joined"], [
      3,
      "message",
    ]]);
    assert.equal(seen[2].type === "message" && seen[2].text, "Hallo, 你好");
    await a.conversations.append("acme", opened.conversationId, { type: "typing", from: bot });
    await eventually(() => seen.length === 4, 2_000, "the live typing event");
    stop();
    const state = await a.conversations.get("acme", opened.conversationId);
    assert.equal(state?.lastSeq, 4);
  });
});

Deno.test("NatsConversations - a follower on another instance gets live events and sees the new state", async () => {
  await withInstances(2, async ({ instances: [a, b] }) => {
    const { conversationId } = await a.conversations.open("acme", "cust-1");
    assert.equal((await b.conversations.get("acme", conversationId))?.lastSeq, 1); // b caches it
    const seen: number[] = [];
    const stop = await b.conversations.follow("acme", conversationId, 1, (e) => seen.push(e.seq));
    await a.conversations.append("acme", conversationId, { type: "joined", from: agent });
    await a.conversations.append("acme", conversationId, say("cust-1", 1));
    await eventually(() => seen.length === 2, 2_000, "both live events on b");
    assert.deepEqual(seen, [2, 3]);
    await eventually(
      async () => (await b.conversations.get("acme", conversationId))?.lastSeq === 3,
      2_000,
      "b's cached state dropped after a's writes",
    );
    assert.equal((await b.conversations.get("acme", conversationId))?.status, "with_agent");
    stop();
  });
});

Deno.test("NatsConversations - a replay after seq N while messages keep arriving loses and repeats nothing", async () => {
  await withInstances(2, async ({ instances: [a, b] }) => {
    const { conversationId } = await a.conversations.open("acme", "cust-1");
    const total = 120;
    const writing = (async () => {
      for (let n = 1; n <= total; n++) {
        await a.conversations.append("acme", conversationId, say("cust-1", n));
      }
    })();
    await eventually(
      async () => ((await a.conversations.get("acme", conversationId))?.lastSeq ?? 0) > 30,
      5_000,
      "30 appended",
    );
    const seen: number[] = [];
    const stop = await b.conversations.follow("acme", conversationId, 20, (e) => seen.push(e.seq));
    await writing;
    await eventually(() => seen.at(-1) === total + 1, 5_000, "the last message on the follower");
    stop();
    assert.deepEqual(seen, Array.from({ length: total + 1 - 20 }, (_, i) => 21 + i));
  });
});

Deno.test("NatsConversations - two instances appending to one conversation get consecutive seqs, none lost", async () => {
  await withInstances(2, async ({ instances: [a, b] }) => {
    const { conversationId } = await a.conversations.open("acme", "cust-1");
    await b.conversations.get("acme", conversationId);
    const appends = [];
    for (let n = 1; n <= 20; n++) {
      const instance = n % 2 ? a : b;
      appends.push(instance.conversations.append("acme", conversationId, say("cust-1", n)));
    }
    const events = await Promise.all(appends);
    assert.deepEqual(
      events.map((e) => e.seq).sort((x, y) => x - y),
      Array.from({ length: 20 }, (_, i) => i + 2),
    );
    const seen: ConversationEvent[] = [];
    (await a.conversations.follow("acme", conversationId, 0, (e) => seen.push(e)))();
    assert.deepEqual(seen.map((e) => e.seq), Array.from({ length: 21 }, (_, i) => i + 1));
    const texts = seen.flatMap((e) => e.type === "message" ? [e.text] : []).sort();
    assert.equal(new Set(texts).size, 20);
  });
});

Deno.test("NatsConversations - a message sent twice with one message id is stored once", async () => {
  await withInstances(1, async ({ instances: [a] }) => {
    const { conversationId } = await a.conversations.open("acme", "cust-1");
    const first = await a.conversations.append("acme", conversationId, say("cust-1", 9));
    const again = await a.conversations.append("acme", conversationId, say("cust-1", 9));
    assert.deepEqual(again, first);
    const jsm = await jetstreamManager(a.nc);
    assert.equal((await jsm.streams.info(SESSIONS_STREAM)).state.messages, 2);
  });
});

Deno.test("NatsConversations - a closed conversation refuses appends with conversation_closed", async () => {
  await withInstances(2, async ({ instances: [a, b] }) => {
    const { conversationId } = await a.conversations.open("acme", "cust-1");
    await b.conversations.get("acme", conversationId); // b caches the open state
    await a.conversations.append("acme", conversationId, {
      type: "closed",
      from: customerOf("cust-1"),
      reason: "customer",
    });
    await assert.rejects(
      a.conversations.append("acme", conversationId, say("cust-1", 1)),
      refusedWith("conversation_closed"),
    );
    // b may still hold the open state: the expected sequence catches it and b decides again.
    await assert.rejects(
      b.conversations.append("acme", conversationId, say("cust-1", 2)),
      refusedWith("conversation_closed"),
    );
  });
});

Deno.test("NatsConversations - someone not in the conversation cannot post", async () => {
  await withInstances(1, async ({ instances: [a] }) => {
    const { conversationId } = await a.conversations.open("acme", "cust-1");
    await assert.rejects(
      a.conversations.append("acme", conversationId, {
        type: "message",
        from: agent,
        messageId: "1",
        text: "hi",
      }),
      refusedWith("not_a_participant"),
    );
    await assert.rejects(
      a.conversations.append("acme", conversationId, say("cust-2", 1)),
      refusedWith("not_a_participant"),
    );
  });
});

Deno.test("NatsConversations - unknown ids and another tenant's ids are not found", async () => {
  await withInstances(1, async ({ instances: [a] }) => {
    const { conversationId } = await a.conversations.open("acme", "cust-1");
    assert.equal(await a.conversations.get("globex", conversationId), null);
    assert.equal(await a.conversations.get("acme", "123456789"), null);
    assert.equal(await a.conversations.get("acme", ">"), null);
    await assert.rejects(
      a.conversations.append("globex", conversationId, say("cust-1", 1)),
      refusedWith("conversation_not_found"),
    );
    await assert.rejects(
      a.conversations.follow("globex", conversationId, 0, () => {}),
      refusedWith("conversation_not_found"),
    );
    await assert.rejects(
      a.conversations.append("acme", "*", say("cust-1", 1)),
      refusedWith("conversation_not_found"),
    );
  });
});

Deno.test("NatsConversations - the stream holds no message text in plaintext", async () => {
  await withInstances(1, async ({ instances: [a] }) => {
    const { conversationId } = await a.conversations.open("acme", "cust-1");
    const secret = "my card number is 4111 1111 1111 1111";
    await a.conversations.append("acme", conversationId, say("cust-1", 1, secret));
    const jsm = await jetstreamManager(a.nc);
    const raw = await jsm.streams.getMessage(SESSIONS_STREAM, { seq: 2 });
    const stored = new TextDecoder().decode(raw!.data);
    assert.ok(stored.includes('"text":"enc:v2:'), stored);
    assert.ok(!stored.includes("4111"), stored);
    const seen: ConversationEvent[] = [];
    (await a.conversations.follow("acme", conversationId, 1, (e) => seen.push(e)))();
    assert.equal(seen[0].type === "message" && seen[0].text, secret);
  });
});

Deno.test("NatsConversations - a request's address and id are stored with its event, for the audit, and not sent to followers", async () => {
  await withInstances(1, async ({ instances: [a] }) => {
    const opening = { ip: "203.0.113.5", requestId: "req-open" };
    const { conversationId } = await a.conversations.open("acme", "cust-1", opening);
    const posting = { ip: "203.0.113.5", requestId: "req-post" };
    await a.conversations.append("acme", conversationId, say("cust-1", 1), posting);
    await a.conversations.append("acme", conversationId, { type: "joined", from: bot });
    const jsm = await jetstreamManager(a.nc);
    const stored = async (seq: number) => {
      const raw = await jsm.streams.getMessage(SESSIONS_STREAM, { seq });
      return JSON.parse(new TextDecoder().decode(raw!.data)).data;
    };
    assert.deepEqual([(await stored(1)).ip, (await stored(1)).requestId], [
      "203.0.113.5",
      "req-open",
    ]);
    assert.equal((await stored(2)).requestId, "req-post");
    assert.equal("ip" in await stored(3), false, "the bot's event has no source");
    const seen: ConversationEvent[] = [];
    (await a.conversations.follow("acme", conversationId, 0, (e) => seen.push(e)))();
    assert.equal(seen.length, 3);
    assert.ok(seen.every((e) => !("ip" in e) && !("requestId" in e)), JSON.stringify(seen));
  });
});
