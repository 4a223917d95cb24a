/**
 * Errors to HTTP, once: every failure leaves as an RFC 9457 problem document with a stable
 * `code`. Domain and concurrency errors map to their statuses; anything else is a bug (500),
 * logged with the request id and without request content.
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConcurrencyError, DomainError } from "../errors.ts";
import type { Logger } from "../log/logger.ts";

export interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  408: "Request timeout",
  409: "Conflict",
  412: "Precondition failed",
  413: "Content too large",
  415: "Unsupported media type",
  422: "Unprocessable content",
  428: "Precondition required",
  429: "Too many requests",
  500: "Internal server error",
  503: "Service unavailable",
};

/** A problem+json response. */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  const { status, code, title, ...rest } = problem;
  const body = { type: `https://ticketd.dev/problems/${code}`, title, status, code, ...rest };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

/** Builds a problem with the standard title for `status`. */
export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): Problem {
  return { status, code, title: TITLES[status] ?? "Error", detail, ...extra };
}

/** The Hono `onError` handler: the one translation of errors to responses. */
export function errorHandler(log: Logger) {
  return (error: Error, c: Context): Response => {
    if (error instanceof DomainError && error.status !== 500) {
      return problemResponse(
        problem(error.status, error.code, error.message, error.extra),
        { ...bearerChallenge(error), ...retryAfter(error) },
      );
    }
    if (error instanceof ConcurrencyError) {
      return problemResponse(
        problem(412, error.code, error.message, { currentVersion: error.actualVersion }),
        { etag: `"${error.actualVersion}"` },
      );
    }
    if (error instanceof HTTPException && error.status < 500) {
      return problemResponse(problem(error.status, "bad_request", error.message));
    }
    log.error("unhandled error", {
      requestId: c.get("requestId" as never),
      path: c.req.path,
      error: error.name,
      message: error.message,
      stack: error.stack?.split("\n").slice(0, 6).join(" | "),
    });
    return problemResponse(problem(500, "internal_error", "Something went wrong on our side"));
  };
}

/** RFC 6750 §3: a refused bearer token is answered with a `WWW-Authenticate` challenge. */
function bearerChallenge(error: DomainError): Record<string, string> {
  if (error.code === "unauthorized") {
    return { "www-authenticate": 'Bearer error="invalid_token"' };
  }
  if (error.code === "insufficient_scope" && typeof error.extra.scope === "string") {
    return {
      "www-authenticate": `Bearer error="insufficient_scope", scope="${error.extra.scope}"`,
    };
  }
  return {};
}

/** RFC 9110 §10.2.3: a refusal that names when to retry (`retryAfterSeconds`) says it in a header. */
function retryAfter(error: DomainError): Record<string, string> {
  const seconds = error.extra.retryAfterSeconds;
  return typeof seconds === "number" ? { "retry-after": String(seconds) } : {};
}

/** The Hono `notFound` handler. */
export function notFoundHandler(c: Context): Response {
  return problemResponse(
    problem(404, "route_not_found", `No route for ${c.req.method} ${c.req.path}`),
  );
}
