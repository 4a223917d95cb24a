import assert from "node:assert/strict";
import { loadRoutingConfig, RoutingConfigError } from "./config.ts";

Deno.test("loadRoutingConfig gives sane defaults with an empty environment", () => {
  const config = loadRoutingConfig({});
  assert.equal(config.port, 8082);
  assert.equal(config.presenceTtlMs, 30_000);
  assert.equal(config.defaultTimeZone, "UTC");
  assert.ok(config.modelsDir.endsWith("/routing/models/"));
});

Deno.test("loadRoutingConfig names the setting that is wrong", () => {
  assert.throws(
    () => loadRoutingConfig({ TICKETD_ROUTING_TIME_ZONE: "Mars/Base" }),
    (e) => e instanceof RoutingConfigError && /TICKETD_ROUTING_TIME_ZONE/.test(e.message),
  );
  assert.throws(
    () => loadRoutingConfig({ TICKETD_ROUTING_PRESENCE_TTL_SECONDS: "1" }),
    /TICKETD_ROUTING_PRESENCE_TTL_SECONDS must be an integer in 3\.\.3600/,
  );
});
