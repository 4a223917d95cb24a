/**
 * OAuth error responses (RFC 6749 §5.2): `{ error, error_description }` as JSON, 401 with a
 * `WWW-Authenticate: Basic` challenge for `invalid_client`. Used by the token and revocation
 * endpoints, whose clients expect this shape rather than problem documents.
 * @module
 */
import type { Context } from "hono";
import { DomainError } from "@ticketd/shared/errors.ts";
import type { Logger } from "@ticketd/shared/log/logger.ts";

const OAUTH_ERRORS = new Set([
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
  "unsupported_token_type",
]);

/** Headers every token response carries (RFC 6749 §5.1). */
export const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

/** The `onError` handler of the OAuth endpoints. */
export function oauthErrorHandler(log: Logger) {
  return (error: Error, c: Context): Response => {
    if (!(error instanceof DomainError) || error.status >= 500) {
      log.error("unhandled error", {
        requestId: c.get("requestId" as never),
        path: c.req.path,
        error: error.name,
        message: error.message,
      });
      return oauthError("server_error", "Something went wrong on our side", 500);
    }
    const code = OAUTH_ERRORS.has(error.code) ? error.code : "invalid_request";
    const headers: Record<string, string> = {};
    if (code === "invalid_client") headers["www-authenticate"] = 'Basic realm="ticketd"';
    return oauthError(code, error.message, error.status, headers);
  };
}

/** One OAuth error response. */
export function oauthError(
  error: string,
  description: string,
  status = 400,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { "content-type": "application/json", ...NO_STORE, ...headers },
  });
}
