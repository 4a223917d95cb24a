/**
 * One request passed on to a service behind the gateway: hop-by-hop headers dropped, the
 * client's address appended to `X-Forwarded-For`, a deadline on the answer's headers (not on a
 * stream's body, so event streams live on), failures as problem documents.
 * @module
 */
import { problem, problemResponse } from "@ticketd/shared/http/problem.ts";

const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
];

export interface ForwardOptions {
  /** The client's address, appended to `X-Forwarded-For`. */
  clientAddress: string;
  /** The answer's headers must arrive within this. */
  timeoutMs: number;
  maxRequestBytes: number;
}

/** Forwards `request` to `target` (an absolute URL) and returns the answer as a new response. */
export async function forward(
  request: Request,
  target: URL,
  options: ForwardOptions,
): Promise<Response> {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > options.maxRequestBytes) {
    const detail = `The request body is over ${options.maxRequestBytes} bytes`;
    return problemResponse(problem(413, "request_too_large", detail));
  }
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  try {
    const answer = await fetch(target, {
      method: request.method,
      headers: forwardedHeaders(request, options.clientAddress),
      body: request.body,
      redirect: "manual",
      signal: deadline.signal, // not request.signal: Deno aborts it once the answer is sent
    });
    const headers = new Headers(answer.headers);
    for (const name of HOP_BY_HOP) headers.delete(name);
    return new Response(answer.body, { status: answer.status, headers });
  } catch (error) {
    if (deadline.signal.aborted) {
      return problemResponse(problem(504, "upstream_timeout", `${target.host} did not answer`));
    }
    const detail = `${target.host} cannot be reached (${(error as Error).name})`;
    return problemResponse(problem(502, "upstream_unavailable", detail));
  } finally {
    clearTimeout(timer);
  }
}

/** The request's headers as the service should see them. */
export function forwardedHeaders(request: Request, clientAddress: string): Headers {
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  const url = new URL(request.url);
  const earlier = request.headers.get("x-forwarded-for");
  headers.set("x-forwarded-for", earlier ? `${earlier}, ${clientAddress}` : clientAddress);
  headers.set("x-forwarded-proto", url.protocol.replace(":", ""));
  headers.set("x-forwarded-host", url.host);
  headers.set("accept-encoding", "identity"); // the gateway compresses what it serves itself
  return headers;
}
