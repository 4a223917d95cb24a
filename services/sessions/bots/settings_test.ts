import assert from "node:assert/strict";
import { BotSettingsError, BUILT_IN_PLUGINS_DIR, loadBotHostSettings } from "./settings.ts";

Deno.test("loadBotHostSettings - defaults to the built-in plugins and a 15 s turn", () => {
  const settings = loadBotHostSettings({});
  assert.equal(settings.pluginsDir, BUILT_IN_PLUGINS_DIR);
  assert.equal(settings.turnTimeoutMs, 15_000);
  assert.equal(settings.cooldownMs, 60_000);
});

Deno.test("loadBotHostSettings - a bad number fails naming the setting", () => {
  assert.throws(
    () => loadBotHostSettings({ TICKETD_BOTS_TURN_TIMEOUT_MS: "soon" }),
    (error: Error) => error instanceof BotSettingsError && /TURN_TIMEOUT_MS/.test(error.message),
  );
});

Deno.test("loadBotHostSettings - plugin processes get a 128 MB heap and 1 GB of memory", () => {
  const settings = loadBotHostSettings({});
  assert.equal(settings.heapMb, 128);
  assert.equal(settings.memoryMb, 1_024);
  assert.equal(settings.maxFrameBytes, 1_048_576);
});

Deno.test("loadBotHostSettings - refuses a memory cap too small for Deno to start", () => {
  assert.throws(
    () => loadBotHostSettings({ TICKETD_BOTS_MEMORY_MB: "512" }),
    (error: Error) => error instanceof BotSettingsError && /MEMORY_MB/.test(error.message),
  );
});
