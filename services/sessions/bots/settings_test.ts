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
