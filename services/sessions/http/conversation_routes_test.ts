import assert from "node:assert/strict";
import { type Harness, startHarness } from "./testing.ts";

async function withHarness(fn: (h: Harness) => Promise<void>): Promise<void> {
  const harness = await startHarness();
  try {
    await fn(harness);
  } finally {
    await harness.close();
  }
}

const base = "/sessions/conversations";

Deno.test("POST conversations - a customer opens one and gets 201 with its state", async () => {
  await withHarness(async ({ call }) => {
    const opened = await call("POST", base, "customer:c1");
    assert.equal(opened.status, 201);
    assert.deepEqual([opened.json.customerId, opened.json.status, opened.json.lastSeq], [
      "c1",
      "bot",
      0,
    ]);
  });
});

Deno.test("POST conversations - staff cannot open one (403 forbidden)", async () => {
  await withHarness(async ({ call }) => {
    assert.equal((await call("POST", base, "agent:a1")).json.code, "forbidden");
  });
});

Deno.test("POST conversations - without a bearer token it is 401", async () => {
  await withHarness(async ({ url }) => {
    const response = await fetch(`${url}/v1${base}`, { method: "POST" });
    assert.equal(response.status, 401);
    await response.body?.cancel();
  });
});

Deno.test("GET conversation - the customer and staff of the tenant see it; others get 404", async () => {
  await withHarness(async ({ call }) => {
    const { json: { conversationId: id } } = await call("POST", base, "customer:c1");
    assert.equal((await call("GET", `${base}/${id}`, "customer:c1")).status, 200);
    assert.equal((await call("GET", `${base}/${id}`, "auditor:u1")).status, 200);
    for (const other of ["customer:c2", "agent:a1@globex", "customer:c1@globex"]) {
      const reply = await call("GET", `${base}/${id}`, other);
      assert.deepEqual([reply.status, reply.json.code], [404, "conversation_not_found"], other);
    }
    assert.equal(
      (await call("GET", `${base}/not-an-id`, "agent:a1")).json.code,
      "conversation_not_found",
    );
  });
});

Deno.test("POST join - an agent joins and becomes a participant, once however often they join", async () => {
  await withHarness(async ({ call }) => {
    const { json: { conversationId: id } } = await call("POST", base, "customer:c1");
    const joined = await call("POST", `${base}/${id}/join`, "agent:a1");
    assert.equal(joined.status, 200);
    assert.deepEqual(joined.json.participants, [{ role: "customer", id: "c1" }, {
      role: "agent",
      id: "a1",
    }]);
    const again = await call("POST", `${base}/${id}/join`, "agent:a1");
    assert.equal(again.json.lastSeq, 1);
  });
});

Deno.test("POST join - an auditor may not join; another customer gets 404; the owner is already in", async () => {
  await withHarness(async ({ call }) => {
    const { json: { conversationId: id } } = await call("POST", base, "customer:c1");
    assert.equal((await call("POST", `${base}/${id}/join`, "auditor:u1")).json.code, "forbidden");
    assert.equal((await call("POST", `${base}/${id}/join`, "customer:c2")).status, 404);
    const own = await call("POST", `${base}/${id}/join`, "customer:c1");
    assert.deepEqual([own.status, own.json.lastSeq], [200, 0]);
  });
});

Deno.test("POST messages - a participant posts (201 with the event); a bystander agent gets 403", async () => {
  await withHarness(async ({ call }) => {
    const { json: { conversationId: id } } = await call("POST", base, "customer:c1");
    const posted = await call("POST", `${base}/${id}/messages`, "customer:c1", { text: "hello" });
    assert.equal(posted.status, 201);
    assert.deepEqual([posted.json.event.seq, posted.json.event.text], [1, "hello"]);
    const bystander = await call("POST", `${base}/${id}/messages`, "agent:a1", { text: "hi" });
    assert.deepEqual([bystander.status, bystander.json.code], [403, "not_a_participant"]);
  });
});

Deno.test("POST messages - an empty, too long or unknown-field body is 422", async () => {
  await withHarness(async ({ call }) => {
    const { json: { conversationId: id } } = await call("POST", base, "customer:c1");
    for (const body of [{ text: "  " }, { text: "x".repeat(4_001) }, { text: "a", to: "c2" }]) {
      const reply = await call("POST", `${base}/${id}/messages`, "customer:c1", body);
      assert.deepEqual([reply.status, reply.json.code], [422, "invalid_request"]);
    }
  });
});

Deno.test("POST typing and read - appended as events; a read marker past the end is 422", async () => {
  await withHarness(async ({ call }) => {
    const { json: { conversationId: id } } = await call("POST", base, "customer:c1");
    assert.equal(
      (await call("POST", `${base}/${id}/typing`, "customer:c1")).json.event.type,
      "typing",
    );
    const read = await call("POST", `${base}/${id}/read`, "customer:c1", { upToSeq: 1 });
    assert.deepEqual(read.json.event.upToSeq, 1);
    const past = await call("POST", `${base}/${id}/read`, "customer:c1", { upToSeq: 9 });
    assert.equal(past.status, 422);
  });
});

Deno.test("POST close - closes it; posting afterwards is 409 conversation_closed", async () => {
  await withHarness(async ({ call }) => {
    const { json: { conversationId: id } } = await call("POST", base, "customer:c1");
    const closed = await call("POST", `${base}/${id}/close`, "customer:c1");
    assert.deepEqual(closed.json.event.reason, "customer");
    const late = await call("POST", `${base}/${id}/messages`, "customer:c1", { text: "hello?" });
    assert.deepEqual([late.status, late.json.code], [409, "conversation_closed"]);
  });
});

Deno.test("POST open, join and messages - each event records the client address and request id", async () => {
  await withHarness(async ({ url, token, conversations }) => {
    const send = async (path: string, as: string, requestId: string, body?: unknown) => {
      const headers = {
        authorization: `Bearer ${await token(as)}`,
        "content-type": "application/json",
        "x-request-id": requestId,
        "x-forwarded-for": "198.51.100.7", // not trusted by default: the socket's address counts
      };
      const response = await fetch(`${url}/v1${base}${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify(body ?? {}),
      });
      return await response.json();
    };
    const { conversationId: id } = await send("", "customer:c1", "req-open");
    await send(`/${id}/join`, "agent:a1", "req-join");
    const { event } = await send(`/${id}/messages`, "customer:c1", "req-post", { text: "hi" });
    assert.equal("ip" in event || "requestId" in event, false, "not sent to the participants");
    assert.deepEqual(conversations.sourceOf("acme", id, 0), {
      ip: "127.0.0.1",
      requestId: "req-open",
    });
    assert.deepEqual(conversations.sourceOf("acme", id, 1), {
      ip: "127.0.0.1",
      requestId: "req-join",
    });
    assert.deepEqual(conversations.sourceOf("acme", id, 2), {
      ip: "127.0.0.1",
      requestId: "req-post",
    });
  });
});

Deno.test("POST messages - behind a trusted proxy the last X-Forwarded-For hop is recorded", async () => {
  const harness = await startHarness({ address: { trustForwardedFor: true } });
  try {
    const { json: { conversationId: id } } = await harness.call("POST", base, "customer:c1");
    const response = await fetch(`${harness.url}/v1${base}/${id}/messages`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await harness.token("customer:c1")}`,
        "content-type": "application/json",
        "x-forwarded-for": "10.0.0.1, 198.51.100.7",
      },
      body: JSON.stringify({ text: "hi" }),
    });
    assert.equal(response.status, 201);
    const source = harness.conversations.sourceOf("acme", id, 1);
    assert.equal(source?.ip, "198.51.100.7");
    assert.equal(source?.requestId, response.headers.get("x-request-id"));
  } finally {
    await harness.close();
  }
});
