import assert from "node:assert/strict";
import { consoleRedirectUris, GatewayConfigError, loadGatewayConfig } from "./config.ts";

Deno.test("loadGatewayConfig - defaults: port 8088, identity at its default issuer, others looked up", () => {
  const config = loadGatewayConfig({});
  assert.equal(config.port, 8088);
  assert.equal(config.publicUrl, "http://127.0.0.1:8088");
  assert.deepEqual(config.upstreams, { identity: "http://127.0.0.1:8081" });
  assert.ok(config.webDir.endsWith("/web/"));
});

Deno.test("loadGatewayConfig - identity on a port chosen at start is looked up from its URL file", () => {
  assert.deepEqual(loadGatewayConfig({ TICKETD_IDENTITY_PORT: "0" }).upstreams, {});
});

Deno.test("loadGatewayConfig - a bad port or a non-http upstream stops the start naming the setting", () => {
  assert.throws(
    () => loadGatewayConfig({ TICKETD_GATEWAY_PORT: "70000" }),
    (e: Error) => e instanceof GatewayConfigError && /TICKETD_GATEWAY_PORT/.test(e.message),
  );
  assert.throws(
    () => loadGatewayConfig({ TICKETD_GATEWAY_TICKETS_URL: "javascript:alert(1)" }),
    /TICKETD_GATEWAY_TICKETS_URL must be an http\(s\) origin/,
  );
});

Deno.test("consoleRedirectUris - identity's callback, the gateway's, the admin pages' and the portal's, from the same settings", () => {
  assert.equal(
    consoleRedirectUris({
      TICKETD_IDENTITY_ISSUER: "https://id.example/",
      TICKETD_GATEWAY_PUBLIC_URL: "https://desk.example",
    }),
    [
      "https://id.example/oauth/callback",
      "https://desk.example/callback",
      "https://desk.example/admin/callback",
      "https://desk.example/portal/callback",
    ].join(" "),
  );
});

Deno.test("consoleRedirectUris - none when a port is only known after listening, or a setting is bad", () => {
  assert.equal(consoleRedirectUris({ TICKETD_IDENTITY_PORT: "0" }), undefined);
  assert.equal(consoleRedirectUris({ TICKETD_GATEWAY_PORT: "0" }), undefined);
  assert.equal(consoleRedirectUris({ TICKETD_GATEWAY_PORT: "x" }), undefined);
});

Deno.test("loadGatewayConfig - with its own certificate the default public URL is https", () => {
  const config = loadGatewayConfig({ TICKETD_TLS_CERT_FILE: "/tls/gateway.crt" });
  assert.equal(config.publicUrl, "https://127.0.0.1:8088");
  assert.throws(() => loadGatewayConfig({ TICKETD_LOG_LEVEL: "loud" }), /TICKETD_LOG_LEVEL/);
});
