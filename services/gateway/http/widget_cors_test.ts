import assert from "node:assert/strict";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { gatewayApp } from "./app.ts";
import { loadConsoleFiles } from "./static_files.ts";

const WEB = new URL("../../../web/", import.meta.url).pathname;
const REMOTE = { remoteAddr: { hostname: "203.0.113.9", port: 1, transport: "tcp" } };
const SHOP = { origin: "https://shop.example" };

async function withGateway(fn: (gateway: ReturnType<typeof gatewayApp>) => Promise<void>) {
  const upstream = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => Response.json({ method: request.method }),
  );
  try {
    const origin = `http://127.0.0.1:${upstream.addr.port}`;
    await fn(gatewayApp({
      publicUrl: "http://127.0.0.1:8088",
      files: await loadConsoleFiles(WEB),
      upstream: () => Promise.resolve(origin),
      maxRequestBytes: 1024,
      upstreamTimeoutMs: 2_000,
      log: createLogger("error"),
    }));
  } finally {
    await upstream.shutdown();
  }
}

Deno.test("gateway CORS - the widget's conversation routes answer preflights and any origin, never with credentials", () =>
  withGateway(async (gateway) => {
    const path = "/api/sessions/v1/sessions/conversations/42/events";
    const preflight = await gateway.request(path, {
      method: "OPTIONS",
      headers: { ...SHOP, "access-control-request-method": "GET" },
    }, REMOTE);
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
    assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /authorization/);
    assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /last-event-id/);
    assert.equal(preflight.headers.get("access-control-allow-credentials"), null);
    const open = await gateway.request("/api/sessions/v1/sessions/conversations", {
      method: "POST",
      headers: SHOP,
    }, REMOTE);
    assert.equal(open.headers.get("access-control-allow-origin"), "*");
    assert.deepEqual(await open.json(), { method: "POST" }, "passed on to sessions");
  }));

Deno.test("gateway CORS - every other path stays same-origin (no CORS header, preflight not answered)", () =>
  withGateway(async (gateway) => {
    for (
      const path of [
        "/api/tickets/v1/tickets",
        "/api/sessions/v1/tickets/42/claim",
        "/oauth/token",
        "/",
      ]
    ) {
      const response = await gateway.request(path, { headers: SHOP }, REMOTE);
      await response.body?.cancel();
      assert.equal(response.headers.get("access-control-allow-origin"), null, path);
    }
    const preflight = await gateway.request("/api/tickets/v1/tickets", {
      method: "OPTIONS",
      headers: { ...SHOP, "access-control-request-method": "POST" },
    }, REMOTE);
    await preflight.body?.cancel();
    assert.equal(preflight.headers.get("access-control-allow-origin"), null);
  }));
