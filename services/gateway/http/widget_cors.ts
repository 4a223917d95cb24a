/**
 * CORS for the chat widget's fallback, on the conversation routes only
 * (`/api/sessions/v1/sessions/conversations...`): where a network blocks WebSockets, the widget
 * on another site opens, follows (SSE read with fetch, since EventSource cannot send a bearer
 * token) and posts to its conversation over HTTP. Safe to open to every origin: these routes
 * take only a bearer token the page's script must set itself (no cookie, no ambient
 * credential, so `Access-Control-Allow-Credentials` is never sent and nothing can be forged from
 * a visitor's browser), and the same calls are already open to any origin as socket frames,
 * which CORS does not cover. Every other path stays same-origin.
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** The paths a widget on another origin may call. */
export const WIDGET_HTTP_PATHS = /^\/api\/sessions\/v1\/sessions\/conversations(\/|$)/;

const PREFLIGHT: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST",
  "access-control-allow-headers": "authorization, content-type, last-event-id",
  "access-control-max-age": "600",
};

/** Answers preflights and adds `Access-Control-Allow-Origin: *` on the widget's paths. */
export function widgetCors(): MiddlewareHandler {
  return async (c, next) => {
    if (!WIDGET_HTTP_PATHS.test(c.req.path)) return await next();
    if (c.req.method === "OPTIONS") return c.body(null, 204, PREFLIGHT);
    await next();
    c.res.headers.set("access-control-allow-origin", "*");
  };
}
