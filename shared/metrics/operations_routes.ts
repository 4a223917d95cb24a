/**
 * The operations front every service mounts first on its Hono app, one way for all: request
 * metrics for every route after it, `GET /healthz` (alive, no dependency asked), `GET /readyz`
 * (200 only when started and every dependency answers, else 503 naming the checks) and
 * `GET /metrics` (Prometheus text, unless `TICKETD_METRICS_ENABLED=false`). None needs a token:
 * they name no tenant and no content. Mounted before access logs and rate limits: a probe or a
 * scrape is neither logged nor refused for its rate.
 * @module
 */
import type { Env, Hono } from "hono";
import { problem, problemResponse } from "../http/problem.ts";
import { EXPOSITION_CONTENT_TYPE } from "./exposition.ts";
import { requestMetrics } from "./http_metrics.ts";
import { processMetrics } from "./process_metrics.ts";
import { readiness, type ReadinessDeps } from "./readiness.ts";
import { MetricsRegistry } from "./registry.ts";
import { DEFAULT_OPERATIONS_SETTINGS, type OperationsSettings } from "./settings.ts";

export interface OperationsDeps extends ReadinessDeps {
  /** The `service` label of the request metrics. */
  service: string;
  settings?: OperationsSettings;
  /** More fields of a ready answer (tickets: `projectedVersion`). */
  readyDetail?: () => Record<string, unknown>;
  /** Registers the service's own metrics (consumer lag, positions) on its registry. */
  metrics?: (registry: MetricsRegistry) => void;
}

/** Mounts the probes, `/metrics` and request metrics on `app`; returns its registry. */
export function mountOperations<E extends Env>(
  app: Hono<E>,
  deps: OperationsDeps,
): MetricsRegistry {
  const settings = deps.settings ?? DEFAULT_OPERATIONS_SETTINGS;
  const registry = new MetricsRegistry();
  processMetrics(registry);
  deps.metrics?.(registry);
  app.use(requestMetrics(registry, deps.service));
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const answer = await readiness(deps, settings.readyCheckTimeoutMs);
    if (answer.status !== "ready") return c.json(answer, 503);
    return c.json({ ...answer, ...deps.readyDetail?.() });
  });
  app.get("/metrics", async (c) => {
    if (!settings.metricsEnabled) {
      return problemResponse(problem(404, "metrics_disabled", "Metrics are switched off"));
    }
    const text = await registry.text(settings.collectTimeoutMs);
    return c.body(text, 200, { "content-type": EXPOSITION_CONTENT_TYPE });
  });
  return registry;
}
