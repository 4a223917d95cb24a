/**
 * Request ids and access logs: every request gets an id (the caller's `X-Request-Id` if sane),
 * echoed in the response and in every log line about it.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../log/logger.ts";
import { routeLabel } from "../metrics/http_metrics.ts";

const SANE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Middleware setting `requestId`, the `X-Request-Id` header, and one access log line. */
export function requestLog(log: Logger): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    const requestId = given && SANE_ID.test(given) ? given : crypto.randomUUID();
    c.set("requestId" as never, requestId as never);
    const started = performance.now();
    await next();
    c.res.headers.set("x-request-id", requestId);
    c.res.headers.set("x-content-type-options", "nosniff");
    log.info("request", {
      requestId,
      method: c.req.method,
      route: routeLabel(c), // as the metrics count it: "unmatched", not "/*"
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}
