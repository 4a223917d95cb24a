/**
 * Request rates and latency per route: `ticketd_http_requests_total` and
 * `ticketd_http_request_duration_seconds`, labelled by the matched route's pattern (never the raw
 * path, so the label set stays bounded); a request no route took, or with a method no route has,
 * is `route="unmatched"`; the access log (shared/http/request_log.ts) names the same route.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { MetricsRegistry } from "./registry.ts";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Middleware counting and timing every request after it, for `service`. */
export function requestMetrics(registry: MetricsRegistry, service: string): MiddlewareHandler {
  const labels = ["service", "method", "route", "status"] as const;
  const requests = registry.counter({
    name: "ticketd_http_requests_total",
    help: "HTTP requests answered, by route pattern and status.",
    labels,
  });
  const durations = registry.histogram({
    name: "ticketd_http_request_duration_seconds",
    help: "Time to answer an HTTP request (until the response started), by route pattern.",
    labels,
  });
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const method = METHODS.has(c.req.method) ? c.req.method : "other";
      const sample = { service, method, route: routeLabel(c), status: String(c.res.status) };
      requests.inc(sample);
      durations.observe(sample, (performance.now() - started) / 1000);
    }
  };
}

/**
 * The pattern of the route that answered (for metrics and the access log alike). When nothing
 * after the middlewares matched, Hono's not-found handler answered while the last entry
 * dispatched is a catch-all middleware. A method no route has (`FOO`) is unmatched even when a
 * middleware answered first (the bearer check's 401); a known method refused by such a
 * middleware keeps its pattern (`/v1/*`): the route it was meant for is not known then.
 */
export function routeLabel(c: Context): string {
  if (!METHODS.has(c.req.method)) return "unmatched";
  const route = matchedRoutes(c)[c.req.routeIndex];
  if (!route) return "unmatched";
  const catchAll = route.method === "ALL" && route.path.endsWith("*");
  return catchAll && c.res.status === 404 ? "unmatched" : c.req.routePath;
}
