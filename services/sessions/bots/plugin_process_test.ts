import assert from "node:assert/strict";
import { capturedLogger, customerSays, withHost } from "./testing.ts";
import type { BotAnswer, FailedTurn } from "./protocol.ts";

const opts = { env: { TICKETD_BOT_GOOD_GREETING: "and a setting" } };
const failure = (result: BotAnswer | FailedTurn) =>
  "failed" in result ? [result.failed, result.message] : ["answered", ""];

Deno.test("PluginProcess - a bot allocating without end fails as out_of_memory; the host keeps serving", async () => {
  await withHost(["hogging", "good"], async (host) => {
    const [code, message] = failure(await host.turn("hogging", customerSays("hog")));
    assert.equal(code, "out_of_memory");
    assert.match(message, /memory limit \(64 MB heap/);
    assert.ok("replies" in await host.turn("good", customerSays("hi")), "other bots still answer");
    assert.deepEqual(await host.turn("hogging", customerSays("hi")), {
      replies: ["fine"],
      actions: [],
    }, "its next turn gets a new process");
  }, opts);
});

Deno.test("PluginProcess - array buffers without end fail as out_of_memory at the memory cap", async () => {
  await withHost(["buffering"], async (host) => {
    const [code, message] = failure(await host.turn("buffering", customerSays("hi")));
    assert.equal(code, "out_of_memory");
    assert.match(message, /RangeError: .*allocation failed/);
    assert.equal(host.plugins()[0].state, "enabled", "the process survived; only the turn failed");
  });
});

Deno.test("PluginProcess - a bot ending its process mid-turn fails as crashed naming the exit", async () => {
  await withHost(["dying"], async (host) => {
    assert.deepEqual(failure(await host.turn("dying", customerSays("hi"))), [
      "crashed",
      "the plugin process exited with code 7",
    ]);
  });
});

Deno.test("PluginProcess - a line on stdout that is not the protocol's is a protocol_error", async () => {
  await withHost(["scribbling"], async (host) => {
    assert.deepEqual(failure(await host.turn("scribbling", customerSays("hi"))), [
      "protocol_error",
      "the plugin wrote something other than protocol lines on stdout",
    ]);
  });
});

Deno.test("PluginProcess - an answer over the frame limit is a protocol_error, read no further", async () => {
  await withHost(["flooding"], async (host) => {
    assert.deepEqual(failure(await host.turn("flooding", customerSays("hi"))), [
      "protocol_error",
      "the plugin wrote a line over 65536 bytes on stdout",
    ]);
  });
});

Deno.test("PluginProcess - a bot closing its stdout is a protocol_error at once, not a timeout", async () => {
  await withHost(["unplugging"], async (host) => {
    const started = performance.now();
    assert.deepEqual(failure(await host.turn("unplugging", customerSays("hi"))), [
      "protocol_error",
      "the plugin closed its stdout",
    ]);
    assert.ok(performance.now() - started < 1_500, "not left to time out (5 s)");
  });
});

Deno.test("PluginProcess - console.log in a bot is logged as its stderr with its name and the turn answers", async () => {
  const { logger, lines } = capturedLogger();
  await withHost(["chatty"], async (host) => {
    assert.ok("replies" in await host.turn("chatty", customerSays("a secret")));
  }, { logger });
  const stderr = (await lines()).filter((line) => line.msg === "bot plugin stderr");
  assert.deepEqual(stderr.map((line) => [line.plugin, line.line]), [
    ["chatty", "chatty: handling a turn"],
  ]);
});
