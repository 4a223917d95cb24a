import assert from "node:assert/strict";
import { type Harness, type HarnessOptions, startHarness } from "./testing.ts";

async function withHarness(fn: (h: Harness) => Promise<void>, options: HarnessOptions = {}) {
  const harness = await startHarness(options);
  try {
    await fn(harness);
  } finally {
    await harness.close();
  }
}

/** An SSE stream read block by block (`id:`/`data:` events and `:` comments). */
class SseReader {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";
  constructor(readonly response: Response) {
    this.#reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  }
  /** Goes away, as a closing browser tab does. */
  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
  /** The next block, or null once the stream has ended. */
  async next(): Promise<string | null> {
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return block;
      }
      const { done, value } = await this.#reader.read();
      if (done) return null;
      this.#buffer += value;
    }
  }
  /** The next event's id and data, skipping retry and comments; null at the end. */
  async event(): Promise<{ id: number; data: Record<string, unknown> } | null> {
    for (;;) {
      const block = await this.next();
      if (block === null) return null;
      const id = /^id: (\d+)$/m.exec(block);
      const data = /^data: (.*)$/m.exec(block);
      if (id && data) return { id: Number(id[1]), data: JSON.parse(data[1]) };
    }
  }
}

async function events(
  h: Harness,
  id: string,
  as: string,
  init: { headers?: Record<string, string>; query?: string; signal?: AbortSignal } = {},
) {
  const headers = { authorization: `Bearer ${await h.token(as)}`, ...init.headers };
  const url = `${h.url}/v1/sessions/conversations/${id}/events${init.query ?? ""}`;
  return await fetch(url, { headers, signal: init.signal });
}

async function conversationWith(h: Harness, texts: string[]): Promise<string> {
  const { json: { conversationId } } = await h.call(
    "POST",
    "/sessions/conversations",
    "customer:c1",
  );
  for (const text of texts) {
    await h.call("POST", `/sessions/conversations/${conversationId}/messages`, "customer:c1", {
      text,
    });
  }
  return conversationId;
}

Deno.test("SSE - replays after Last-Event-ID, then streams live events with id = seq", async () => {
  await withHarness(async (h) => {
    const id = await conversationWith(h, ["one", "two", "three"]);
    const response = await events(h, id, "customer:c1", { headers: { "last-event-id": "1" } });
    assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const stream = new SseReader(response);
    assert.deepEqual([(await stream.event())!.id, (await stream.event())!.id], [2, 3]);
    await h.call("POST", `/sessions/conversations/${id}/messages`, "customer:c1", { text: "four" });
    const live = (await stream.event())!;
    assert.deepEqual([live.id, live.data.text], [4, "four"]);
    await stream.cancel();
  });
});

Deno.test("SSE - ?after=N resumes like Last-Event-ID, which wins when both are sent", async () => {
  await withHarness(async (h) => {
    const id = await conversationWith(h, ["one", "two", "three"]);
    const byQuery = new SseReader(await events(h, id, "customer:c1", { query: "?after=2" }));
    assert.equal((await byQuery.event())!.id, 3);
    await byQuery.cancel();
    const both = await events(h, id, "customer:c1", {
      query: "?after=0",
      headers: { "last-event-id": "2" },
    });
    const bothReader = new SseReader(both);
    assert.equal((await bothReader.event())!.id, 3);
    await bothReader.cancel();
  });
});

Deno.test("SSE - heartbeat comments arrive every sseHeartbeatMs", async () => {
  await withHarness(async (h) => {
    const id = await conversationWith(h, []);
    const stream = new SseReader(await events(h, id, "customer:c1"));
    assert.match((await stream.next())!, /^retry: \d+$/);
    assert.equal(await stream.next(), ": heartbeat");
    assert.equal(await stream.next(), ": heartbeat");
    await stream.cancel();
  }, { limits: { sseHeartbeatMs: 40 } });
});

Deno.test("SSE - the stream ends after the closed event and its follow subscription stops", async () => {
  await withHarness(async (h) => {
    const id = await conversationWith(h, ["one"]);
    const stream = new SseReader(await events(h, id, "customer:c1"));
    assert.equal((await stream.event())!.id, 1);
    assert.equal(h.conversations.followers, 1);
    await h.call("POST", `/sessions/conversations/${id}/close`, "customer:c1");
    assert.equal((await stream.event())!.data.type, "closed");
    assert.equal(await stream.event(), null);
    assert.equal(h.conversations.followers, 0);
  });
});

Deno.test("SSE - a closed conversation resumed after its last event ends at once", async () => {
  await withHarness(async (h) => {
    const id = await conversationWith(h, ["one"]);
    await h.call("POST", `/sessions/conversations/${id}/close`, "customer:c1");
    const stream = new SseReader(await events(h, id, "customer:c1", { query: "?after=2" }));
    assert.equal(await stream.event(), null);
    assert.equal(h.conversations.followers, 0);
  });
});

Deno.test("SSE - a client going away stops the follow subscription (none leak)", async () => {
  await withHarness(async (h) => {
    const id = await conversationWith(h, ["one"]);
    const aborts = [new AbortController(), new AbortController()];
    const streams = await Promise.all(
      aborts.map((a) => events(h, id, "agent:a1", { signal: a.signal })),
    );
    assert.equal(h.conversations.followers, 2);
    aborts[0].abort();
    await streams[1].body!.cancel();
    await assert.rejects(streams[0].body!.getReader().read());
    for (let i = 0; i < 50 && h.conversations.followers > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(h.conversations.followers, 0);
  });
});

Deno.test("SSE - another customer's or tenant's conversation is 404 and follows nothing", async () => {
  await withHarness(async (h) => {
    const id = await conversationWith(h, ["secret"]);
    for (const as of ["customer:c2", "agent:a1@globex"]) {
      const response = await events(h, id, as);
      assert.deepEqual([response.status, (await response.json()).code], [
        404,
        "conversation_not_found",
      ]);
    }
    assert.equal(h.conversations.followers, 0);
  });
});

Deno.test("SSE - a resume point that is not a sequence number is 400", async () => {
  await withHarness(async (h) => {
    const id = await conversationWith(h, []);
    const response = await events(h, id, "customer:c1", { headers: { "last-event-id": "-1" } });
    assert.deepEqual([response.status, (await response.json()).code], [400, "invalid_request"]);
  });
});

Deno.test("SSE - a stop ends the open streams, so the server's shutdown does not wait for their clients", async () => {
  const h = await startHarness();
  const id = await conversationWith(h, ["one"]);
  const stream = new SseReader(await events(h, id, "customer:c1"));
  assert.equal((await stream.event())!.id, 1);
  const timedOut = new Promise<"timed out">((resolve) => {
    const timer = setTimeout(() => resolve("timed out"), 5_000);
    Deno.unrefTimer(timer);
  });
  assert.equal(await Promise.race([h.close().then(() => "stopped"), timedOut]), "stopped");
  assert.equal(await stream.event(), null, "the client sees the stream end");
});
