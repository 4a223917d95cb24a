import assert from "node:assert/strict";
import { Hono } from "hono";
import { createLogger } from "../log/logger.ts";
import { requestLog } from "../http/request_log.ts";
import { MetricsRegistry } from "./registry.ts";
import { requestMetrics } from "./http_metrics.ts";

/** An app shaped like a service's: metrics, access log, a bearer check on /v1/*, one route. */
function serviceLike() {
  const registry = new MetricsRegistry();
  const chunks: Uint8Array[] = [];
  const log = createLogger("info", {}, { write: (c) => Promise.resolve(chunks.push(c)) });
  const app = new Hono();
  app.use(requestMetrics(registry, "t"));
  app.use(requestLog(log));
  const v1 = new Hono();
  v1.use(async (c, next) => {
    if (!c.req.header("authorization")) return c.json({ code: "x" }, 401);
    await next();
  });
  v1.get("/tickets", (c) => c.json([]));
  app.route("/v1", v1);
  const loggedRoutes = async () => {
    await log.flush();
    return new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c]))).trim()
      .split("\n").map((line) => JSON.parse(line).route);
  };
  return { app, registry, loggedRoutes };
}

Deno.test("requests no route took: the access log and the metrics both say route unmatched", async () => {
  const { app, registry, loggedRoutes } = serviceLike();
  await (await app.request("/nowhere")).body?.cancel();
  await (await app.request("/v1/tickets", { method: "FOO" })).body?.cancel();
  await (await app.request("/v1/tickets", { headers: { authorization: "x" } })).body?.cancel();
  assert.deepEqual(await loggedRoutes(), ["unmatched", "unmatched", "/v1/tickets"]);
  const text = await registry.text(1_000);
  assert.match(
    text,
    /ticketd_http_requests_total\{service="t",method="GET",route="unmatched",status="404"\} 1/,
  );
  assert.match(
    text,
    /ticketd_http_requests_total\{service="t",method="other",route="unmatched",status="401"\} 1/,
  );
  assert.match(text, /route="\/v1\/tickets",status="200"\} 1/);
  assert.doesNotMatch(text, /route="\/\*"|route="\/v1\/\*"/);
});
