/**
 * The headers every gateway answer of its own carries: a strict Content-Security-Policy (no
 * inline script or style, nothing from another origin, no framing) and the usual hardening.
 * Proxied API answers keep their own headers and get the non-CSP ones.
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** The console's policy: its own origin only; `connect-src` adds the same origin's sockets. */
export function contentSecurityPolicy(publicUrl: string): string {
  const socketOrigin = publicUrl.replace(/^http/, "ws");
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    `connect-src 'self' ${socketOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join("; ");
}

const HARDENING: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
  "x-frame-options": "DENY",
};

/** Adds the hardening headers to every answer, and the CSP to answers of the gateway itself. */
export function securityHeaders(publicUrl: string): MiddlewareHandler {
  const csp = contentSecurityPolicy(publicUrl);
  const hsts = publicUrl.startsWith("https:");
  return async (c, next) => {
    await next();
    if (c.res.status === 101) return; // a WebSocket upgrade: headers are already sent
    const headers = c.res.headers;
    for (const [name, value] of Object.entries(HARDENING)) {
      if (!headers.has(name)) headers.set(name, value);
    }
    if (!headers.has("content-security-policy")) headers.set("content-security-policy", csp);
    if (hsts) headers.set("strict-transport-security", "max-age=31536000; includeSubDomains");
  };
}
