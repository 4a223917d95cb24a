import assert from "node:assert/strict";
import { loadSessionsConfig, SessionsConfigError } from "./config.ts";

Deno.test("loadSessionsConfig gives sane defaults: port 8083, 30 min expiry, the FAQ bot", () => {
  const config = loadSessionsConfig({});
  assert.deepEqual([config.port, config.expiryMs, config.bot], [8083, 1_800_000, "faq"]);
  assert.equal(config.limits.messageChars, 4_000);
});

Deno.test("loadSessionsConfig names a bad setting, its own or the bots'", () => {
  assert.throws(
    () => loadSessionsConfig({ TICKETD_SESSIONS_EXPIRY_MINUTES: "0" }),
    (e) => e instanceof SessionsConfigError && /TICKETD_SESSIONS_EXPIRY_MINUTES/.test(e.message),
  );
  assert.throws(
    () => loadSessionsConfig({ TICKETD_BOTS_TURN_TIMEOUT_MS: "x" }),
    (e) => e instanceof SessionsConfigError && /TICKETD_BOTS_TURN_TIMEOUT_MS/.test(e.message),
  );
});
