import assert from "node:assert/strict";
import { customerSays, withHost } from "../../bots/testing.ts";
import type { PluginHost } from "../../bots/plugin_host.ts";

const PLUGINS = new URL("../", import.meta.url).pathname;

interface Seen {
  path: string;
  authorization: string | null;
  body: { model: string; messages: { role: string; content: string }[] };
}

/** A fake chat-completions endpoint answering `reply` (or `status`), and the host over it. */
async function withFakeModel(
  answer: { reply?: string; status?: number },
  body: (host: PluginHost, seen: Seen[]) => Promise<void>,
) {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = new URL(request.url).pathname;
    seen.push({
      path,
      authorization: request.headers.get("authorization"),
      body: await request.json(),
    });
    if (answer.status) return new Response("no", { status: answer.status });
    return Response.json({ choices: [{ message: { role: "assistant", content: answer.reply } }] });
  });
  const env = {
    TICKETD_BOT_LLM_BASE_URL: `http://127.0.0.1:${server.addr.port}/v1`,
    TICKETD_BOT_LLM_MODEL: "test-model",
    TICKETD_BOT_LLM_API_KEY: "sk-test",
  };
  try {
    await withHost(["llm"], (host) => body(host, seen), { env, source: PLUGINS });
  } finally {
    await server.shutdown();
  }
}

Deno.test("llm bot - relays the model's reply to the transcript after the system prompt", async () => {
  await withFakeModel({ reply: "Your order ships tomorrow." }, async (host, seen) => {
    const answer = await host.turn("llm", customerSays("hello", "where is my order?"));
    assert.deepEqual(answer, { replies: ["Your order ships tomorrow."], actions: [] });
    assert.equal(seen[0].path, "/v1/chat/completions");
    assert.equal(seen[0].authorization, "Bearer sk-test");
    assert.equal(seen[0].body.model, "test-model");
    assert.deepEqual(seen[0].body.messages.map((m) => m.role), ["system", "user", "user"]);
    assert.equal(seen[0].body.messages[2].content, "where is my order?");
  });
});

Deno.test("llm bot - hands off when the model answers HANDOFF", async () => {
  await withFakeModel({ reply: "HANDOFF" }, async (host) => {
    const answer = await host.turn("llm", customerSays("I want a person"));
    assert.ok("replies" in answer);
    assert.deepEqual(answer.handoff, { reason: "model_requested" });
  });
});

Deno.test("llm bot - hands off when the endpoint fails", async () => {
  await withFakeModel({ status: 500 }, async (host) => {
    const answer = await host.turn("llm", customerSays("hello"));
    assert.ok("replies" in answer);
    assert.deepEqual(answer.handoff, { reason: "llm_error" });
  });
});

Deno.test("llm bot - hands off, reaching nothing, when no base URL is configured", async () => {
  await withHost(["llm"], async (host) => {
    const answer = await host.turn("llm", customerSays("hello"));
    assert.ok("replies" in answer);
    assert.deepEqual(answer.handoff, { reason: "llm_not_configured" });
  }, { env: {}, source: PLUGINS });
});
