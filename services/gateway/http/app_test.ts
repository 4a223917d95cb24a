import assert from "node:assert/strict";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import type { UpstreamName } from "../config.ts";
import { gatewayApp } from "./app.ts";
import { loadConsoleFiles } from "./static_files.ts";

const log = createLogger("error");
const WEB = new URL("../../../web/", import.meta.url).pathname;
const REMOTE = { remoteAddr: { hostname: "203.0.113.9", port: 1, transport: "tcp" } };

async function app(upstreams: Partial<Record<UpstreamName, string>> = {}, maxRequestBytes = 1024) {
  return gatewayApp({
    publicUrl: "http://127.0.0.1:8088",
    files: await loadConsoleFiles(WEB),
    upstream: (name) => Promise.resolve(upstreams[name]),
    maxRequestBytes,
    upstreamTimeoutMs: 2_000,
    log,
  });
}

/** A real upstream that answers with what it was asked. */
function echoServer() {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    return Response.json({
      path: url.pathname + url.search,
      method: request.method,
      forwardedFor: request.headers.get("x-forwarded-for"),
      authorization: request.headers.get("authorization"),
      body: await request.text(),
    }, { headers: { "x-upstream": "yes" } });
  });
}

Deno.test("gateway page - every console route is the page, never cached, with the strict CSP", async () => {
  const gateway = await app();
  for (const path of ["/", "/callback?code=x", "/portal/anything"]) {
    const response = await gateway.request(path, {}, REMOTE);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "no-store");
    const csp = response.headers.get("content-security-policy") ?? "";
    for (const part of ["default-src 'self'", "script-src 'self'", "style-src 'self'"]) {
      assert.ok(csp.includes(part), part);
    }
    for (const part of ["frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'"]) {
      assert.ok(csp.includes(part), part);
    }
    assert.ok(!csp.includes("unsafe-inline"));
    assert.equal(response.headers.get("x-frame-options"), "DENY");
    assert.equal(response.headers.get("referrer-policy"), "no-referrer");
    const html = await response.text();
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), "no inline script");
    assert.ok(!/<style|style=/.test(html), "no inline style");
  }
});

Deno.test("gateway assets - hashed URLs are cached a year and compressed as the browser accepts", async () => {
  const gateway = await app();
  const html = await (await gateway.request("/", {}, REMOTE)).text();
  const main = /src="(\/assets\/[0-9a-f]{12}\/agent\/main\.js)"/.exec(html)![1];
  const plain = await gateway.request(main, {}, REMOTE);
  assert.equal(plain.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal(plain.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(plain.headers.get("content-encoding"), null);
  const source = await plain.text();
  const br = await gateway.request(main, { headers: { "accept-encoding": "gzip, br" } }, REMOTE);
  assert.equal(br.headers.get("content-encoding"), "br");
  const gzip = await gateway.request(
    main,
    { headers: { "accept-encoding": "gzip, br;q=0" } },
    REMOTE,
  );
  assert.equal(gzip.headers.get("content-encoding"), "gzip");
  const unzipped = gzip.body!.pipeThrough(new DecompressionStream("gzip"));
  assert.equal(await new Response(unzipped).text(), source);
  const stale = await gateway.request(main.replace(/[0-9a-f]{12}/, "000000000000"), {}, REMOTE);
  assert.equal(stale.status, 404);
});

Deno.test("gateway proxy - /api/<service>/... reaches that service with the path, query, body and the client's address", async () => {
  const upstream = echoServer();
  try {
    const gateway = await app({ tickets: `http://127.0.0.1:${upstream.addr.port}` });
    const response = await gateway.request("/api/tickets/v1/tickets?q=%E5%B4%A9&limit=5", {
      method: "POST",
      headers: { authorization: "Bearer abc", "x-forwarded-for": "10.0.0.1" },
      body: "{}",
    }, REMOTE);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-upstream"), "yes");
    assert.deepEqual(await response.json(), {
      path: "/v1/tickets?q=%E5%B4%A9&limit=5",
      method: "POST",
      forwardedFor: "10.0.0.1, 203.0.113.9",
      authorization: "Bearer abc",
      body: "{}",
    });
  } finally {
    await upstream.shutdown();
  }
});

Deno.test("gateway proxy - the OAuth endpoints go to identity at their own paths", async () => {
  const upstream = echoServer();
  try {
    const gateway = await app({ identity: `http://127.0.0.1:${upstream.addr.port}` });
    const response = await gateway.request("/oauth/token", { method: "POST", body: "a=b" }, REMOTE);
    assert.equal((await response.json()).path, "/oauth/token");
  } finally {
    await upstream.shutdown();
  }
});

Deno.test("gateway proxy - an unknown service is 404, one not started 503, one down 502, a big body 413", async () => {
  const down = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(),
  );
  const downUrl = `http://127.0.0.1:${down.addr.port}`;
  await down.shutdown();
  const gateway = await app({ routing: downUrl, tickets: downUrl }, 10);
  const codes = async (path: string, init: RequestInit = {}) => {
    const response = await gateway.request(path, init, REMOTE);
    return [response.status, (await response.json()).code];
  };
  assert.deepEqual(await codes("/api/payroll/x"), [404, "unknown_service"]);
  assert.deepEqual(await codes("/api/sessions/healthz"), [503, "upstream_starting"]);
  assert.deepEqual(await codes("/api/routing/healthz"), [502, "upstream_unavailable"]);
  const big = { method: "POST", body: "x".repeat(11), headers: { "content-length": "11" } };
  assert.deepEqual(await codes("/api/tickets/v1/tickets", big), [413, "request_too_large"]);
});

Deno.test("gateway socket - a WebSocket under /api/sessions is relayed both ways", async () => {
  const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (e) => socket.send(`echo:${e.data}:${new URL(request.url).pathname}`);
    return response;
  });
  const gateway = await app({ sessions: `http://127.0.0.1:${upstream.addr.port}` });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request, info) => gateway.fetch(request, info),
  );
  try {
    const socket = new WebSocket(`ws://127.0.0.1:${server.addr.port}/api/sessions/sessions/socket`);
    const answer = new Promise<string>((resolve) => (socket.onmessage = (e) => resolve(e.data)));
    socket.onopen = () => socket.send("hello"); // may arrive before the upstream side is open
    assert.equal(await answer, "echo:hello:/sessions/socket");
    const closed = new Promise((resolve) => (socket.onclose = resolve));
    socket.close();
    await closed;
  } finally {
    await server.shutdown();
    await upstream.shutdown();
  }
});

Deno.test("gateway sections - /portal/... answers the portal's own page, the rest the workspace's", async () => {
  const gateway = await app();
  const portal = await (await gateway.request("/portal/callback?code=x", {}, REMOTE)).text();
  assert.match(portal, /src="\/assets\/[0-9a-f]{12}\/portal\/main\.js"/);
  assert.ok(!portal.includes("{{ASSETS}}"));
  const workspace = await (await gateway.request("/", {}, REMOTE)).text();
  assert.match(workspace, /agent\/main\.js/);
  const asset = /src="(\/assets\/[0-9a-f]{12}\/portal\/main\.js)"/.exec(portal)![1];
  assert.equal((await gateway.request(asset, {}, REMOTE)).status, 200);
});

Deno.test("gateway widget - /widget.js is a fixed URL other sites may load: short cache, cross-origin CORP", async () => {
  const gateway = await app();
  const response = await gateway.request("/widget.js", {
    headers: { "accept-encoding": "gzip" },
  }, REMOTE);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(response.headers.get("cache-control"), "public, max-age=300");
  assert.equal(response.headers.get("cross-origin-resource-policy"), "cross-origin");
  assert.equal(response.headers.get("content-encoding"), "gzip");
  await response.body?.cancel();
  const page = await gateway.request("/", {}, REMOTE);
  assert.equal(page.headers.get("cross-origin-resource-policy"), "same-origin");
  await page.body?.cancel();
});

Deno.test("gateway admin - /admin/... answers the admin page and /api/audit/... reaches audit", async () => {
  const upstream = echoServer();
  try {
    const gateway = await app({ audit: `http://127.0.0.1:${upstream.addr.port}` });
    const admin = await (await gateway.request("/admin/callback?code=x", {}, REMOTE)).text();
    assert.match(admin, /src="\/assets\/[0-9a-f]{12}\/admin\/main\.js"/);
    const response = await gateway.request("/api/audit/v1/audit/entries?action=a", {}, REMOTE);
    assert.equal((await response.json()).path, "/v1/audit/entries?action=a");
  } finally {
    await upstream.shutdown();
  }
});

Deno.test("gateway proxy - a service's /metrics is refused 404 and never passed on", async () => {
  const upstream = echoServer();
  try {
    const gateway = await app({ tickets: `http://127.0.0.1:${upstream.addr.port}` });
    for (const path of ["/api/tickets/metrics", "/api/tickets/metrics/", "/api/tickets//metrics"]) {
      const response = await gateway.request(path, {}, REMOTE);
      assert.equal(response.status, 404, path);
      assert.equal(response.headers.get("x-upstream"), null, path);
      assert.equal((await response.json()).code, "not_found");
    }
    const passed = await gateway.request("/api/tickets/v1/metrics", {}, REMOTE);
    assert.equal((await passed.json()).path, "/v1/metrics");
  } finally {
    await upstream.shutdown();
  }
});
