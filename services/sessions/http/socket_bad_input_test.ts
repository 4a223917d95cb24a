import assert from "node:assert/strict";
import { type Harness, startHarness, TestSocket } from "./testing.ts";

async function withCustomer(fn: (h: Harness, s: TestSocket) => Promise<void>): Promise<void> {
  const harness = await startHarness();
  const socket = await TestSocket.connect(harness, "customer:c1");
  try {
    await fn(harness, socket);
  } finally {
    await socket.close();
    await harness.close();
  }
}

/** Sends `frame`, expects an error frame with `code`, then proves the socket still serves. */
async function refused(socket: TestSocket, frame: unknown, code: string): Promise<void> {
  socket.send(frame);
  const error = await socket.next();
  assert.equal(error.type, "error");
  assert.equal(error.code, code, error.message);
  assert.equal(typeof error.message, "string");
  socket.send({ type: "ping", ref: "still-there" });
  assert.deepEqual(await socket.next(), { type: "pong", ref: "still-there" });
}

Deno.test("socket - malformed JSON gets malformed_json and the socket stays open", async () => {
  await withCustomer((_, socket) => refused(socket, '{"type":"open",', "malformed_json"));
});

Deno.test("socket - a frame that is not an object with a type gets invalid_frame", async () => {
  await withCustomer(async (_, socket) => {
    await refused(socket, "[1,2]", "invalid_frame");
    await refused(socket, "null", "invalid_frame");
    await refused(socket, '{"type":7}', "invalid_frame");
  });
});

Deno.test("socket - an unknown frame type gets unknown_frame_type", async () => {
  await withCustomer((_, socket) => refused(socket, { type: "__proto__" }, "unknown_frame_type"));
});

Deno.test("socket - a frame with a bad or extra field gets invalid_frame with its ref", async () => {
  await withCustomer(async (_, socket) => {
    socket.send({ type: "attach", conversationId: 5, ref: "x1" });
    const error = await socket.next();
    assert.deepEqual([error.code, error.ref], ["invalid_frame", "x1"]);
    await refused(socket, { type: "ping", admin: true }, "invalid_frame");
  });
});

Deno.test("socket - a binary frame gets invalid_frame", async () => {
  await withCustomer((_, socket) => refused(socket, new Uint8Array([1, 2, 3]), "invalid_frame"));
});

Deno.test("socket - unknown conversation ids get conversation_not_found", async () => {
  await withCustomer(async (_, socket) => {
    await refused(socket, { type: "attach", conversationId: "999999" }, "conversation_not_found");
    await refused(socket, { type: "attach", conversationId: "../x" }, "conversation_not_found");
    const post = { type: "message", conversationId: "999999", text: "hi" };
    await refused(socket, post, "conversation_not_found");
  });
});

Deno.test("socket - another tenant's conversation is not found, exactly like an unknown one", async () => {
  await withCustomer(async (harness, socket) => {
    const theirs = await harness.conversations.open("globex", "c1");
    const id = theirs.conversationId;
    await refused(socket, { type: "attach", conversationId: id }, "conversation_not_found");
    await refused(socket, { type: "typing", conversationId: id }, "conversation_not_found");
    assert.equal(harness.conversations.followers, 0);
  });
});

Deno.test("socket - an agent posting to a conversation they have not joined gets not_a_participant", async () => {
  const harness = await startHarness();
  try {
    const state = await harness.conversations.open("acme", "c1");
    const agent = await TestSocket.connect(harness, "agent:a1");
    const post = { type: "message", conversationId: state.conversationId, text: "hello" };
    await refused(agent, post, "not_a_participant");
    assert.equal((await harness.conversations.get("acme", state.conversationId))!.lastSeq, 0);
    await agent.close();
  } finally {
    await harness.close();
  }
});

Deno.test("socket - an agent may not open a conversation (forbidden)", async () => {
  const harness = await startHarness();
  try {
    const agent = await TestSocket.connect(harness, "agent:a1");
    await refused(agent, { type: "open" }, "forbidden");
    await agent.close();
  } finally {
    await harness.close();
  }
});

Deno.test("socket - a message with control characters or over the character limit is invalid_frame", async () => {
  await withCustomer(async (_, socket) => {
    socket.send({ type: "open" });
    const { conversation } = await socket.next((f) => f.type === "opened");
    await socket.next((f) => f.type === "attached");
    const id = conversation.conversationId;
    await refused(
      socket,
      { type: "message", conversationId: id, text: "a\u0000b" },
      "invalid_frame",
    );
    const long = { type: "message", conversationId: id, text: "é".repeat(4_001) };
    await refused(socket, long, "invalid_frame");
  });
});

Deno.test("socket - a read marker past the last event is refused", async () => {
  await withCustomer(async (_, socket) => {
    socket.send({ type: "open" });
    const { conversation } = await socket.next((f) => f.type === "opened");
    await socket.next((f) => f.type === "attached");
    const read = { type: "read", conversationId: conversation.conversationId, upToSeq: 5 };
    await refused(socket, read, "invalid_request");
  });
});
