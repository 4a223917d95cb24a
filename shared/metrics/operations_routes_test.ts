import assert from "node:assert/strict";
import { Hono } from "hono";
import { notFoundHandler } from "../http/problem.ts";
import { mountOperations } from "./operations_routes.ts";
import { loadOperationsSettings } from "./settings.ts";

function app(deps: Partial<Parameters<typeof mountOperations>[1]> = {}) {
  const app = new Hono();
  app.notFound(notFoundHandler);
  mountOperations(app, { service: "demo", ...deps });
  const v1 = new Hono();
  v1.get("/tickets/:id", (c) => c.text(c.req.param("id")));
  v1.post("/tickets", () => {
    throw new Error("boom");
  });
  app.route("/v1", v1);
  return app;
}

const sample = (text: string, line: string) =>
  Number(text.split("\n").find((l) => l.startsWith(line + " "))?.slice(line.length + 1) ?? NaN);

Deno.test("request metrics - counted by route pattern, never the raw path; unknown paths are unmatched", async () => {
  const demo = app();
  for (const id of ["1", "2", "3"]) await (await demo.request(`/v1/tickets/${id}`)).text();
  await (await demo.request("/nowhere/at/all")).text();
  await (await demo.request("/v1/nowhere")).text();
  const text = await (await demo.request("/metrics")).text();
  const route = 'service="demo",method="GET",route="/v1/tickets/:id",status="200"';
  assert.equal(sample(text, `ticketd_http_requests_total{${route}}`), 3);
  assert.equal(sample(text, `ticketd_http_request_duration_seconds_count{${route}}`), 3);
  assert.equal(sample(text, `ticketd_http_request_duration_seconds_bucket{${route},le="+Inf"}`), 3);
  const unmatched = 'service="demo",method="GET",route="unmatched",status="404"';
  assert.equal(sample(text, `ticketd_http_requests_total{${unmatched}}`), 2);
  assert.ok(!text.includes("/v1/tickets/1"), text);
});

Deno.test("request metrics - a request whose handler threw is counted with its 500", async () => {
  const demo = app();
  demo.onError((_e, c) => c.text("bug", 500));
  assert.equal((await demo.request("/v1/tickets", { method: "POST" })).status, 500);
  const text = await (await demo.request("/metrics")).text();
  const route = 'service="demo",method="POST",route="/v1/tickets",status="500"';
  assert.equal(sample(text, `ticketd_http_requests_total{${route}}`), 1);
});

Deno.test("operations routes - /metrics is Prometheus text with process metrics; switched off it is 404", async () => {
  const on = await app().request("/metrics");
  assert.equal(on.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const text = await on.text();
  assert.ok(sample(text, "process_resident_memory_bytes") > 0, text);
  assert.ok(sample(text, "process_start_time_seconds") > 1_600_000_000, text);
  assert.ok(sample(text, "ticketd_process_uptime_seconds") >= 0, text);
  const settings = loadOperationsSettings({ TICKETD_METRICS_ENABLED: "false" }, Error);
  const off = await app({ settings }).request("/metrics");
  assert.equal(off.status, 404);
  assert.equal((await off.json()).code, "metrics_disabled");
});

Deno.test("operations routes - /readyz is 503 starting, then 503 unready naming a failed check, then 200", async () => {
  let started = false;
  let up = true;
  const demo = app({
    started: () => started,
    checks: { store: () => up ? Promise.resolve() : Promise.reject(new Error("down")) },
  });
  const answer = async () => {
    const r = await demo.request("/readyz");
    return [r.status, await r.json()];
  };
  assert.deepEqual(await answer(), [503, {
    status: "starting",
    checks: { started: "starting", store: "ok" },
  }]);
  started = true;
  up = false;
  assert.deepEqual(await answer(), [503, {
    status: "unready",
    checks: { started: "ok", store: "down" },
  }]);
  up = true;
  assert.deepEqual(await answer(), [200, {
    status: "ready",
    checks: { started: "ok", store: "ok" },
  }]);
  assert.deepEqual(await (await demo.request("/healthz")).json(), { status: "ok" });
});

Deno.test("operations settings - TICKETD_METRICS_ENABLED accepts only true or false", () => {
  assert.equal(loadOperationsSettings({}, Error).metricsEnabled, true);
  assert.throws(
    () => loadOperationsSettings({ TICKETD_METRICS_ENABLED: "no" }, Error),
    /true or false/,
  );
  assert.throws(
    () => loadOperationsSettings({ TICKETD_READY_CHECK_TIMEOUT_MS: "0" }, Error),
    /TICKETD_READY_CHECK_TIMEOUT_MS/,
  );
});
