import assert from "node:assert/strict";
import { OutboundConfigError, outboundSettings, retryDelayMs } from "./settings.ts";

Deno.test("outboundSettings - defaults: outbound off, 12 attempts, 30 s doubling to 1 h", () => {
  const settings = outboundSettings({});
  assert.equal(settings.sendersFile, null);
  assert.equal(settings.maxAttempts, 12);
  assert.deepEqual([1, 2, 3, 20].map((n) => retryDelayMs(settings, n)), [
    30_000,
    60_000,
    120_000,
    3_600_000,
  ]);
});

Deno.test("outboundSettings - a bad number or an inverted back-off names its setting", () => {
  assert.throws(
    () => outboundSettings({ TICKETD_EMAIL_OUTBOUND_MAX_ATTEMPTS: "0" }),
    (e) => e instanceof OutboundConfigError && /MAX_ATTEMPTS/.test(e.message),
  );
  assert.throws(
    () =>
      outboundSettings({
        TICKETD_EMAIL_OUTBOUND_RETRY_BASE_MS: "5000",
        TICKETD_EMAIL_OUTBOUND_RETRY_MAX_MS: "1000",
      }),
    /RETRY_MAX_MS must not be below/,
  );
});
