/**
 * Which URLs a webhook may post to: https only, no credentials in the URL (they would sit in
 * the table in the clear) and no fragment; plain http only to 127.0.0.1 and only when the dev
 * setting `TICKETD_WEBHOOKS_ALLOW_LOOPBACK_HTTP` says so (tests, a receiver on the same host).
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";

export const MAX_URL_CHARS = 2_048;

/** The normalised `raw`, or a 400 `invalid_url` / `https_required` problem. */
export function endpointUrl(raw: string, allowLoopbackHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail("invalid_url", "The url is not an absolute URL", 400);
  }
  if (raw.length > MAX_URL_CHARS) {
    fail("invalid_url", `The url is longer than ${MAX_URL_CHARS} characters`, 400);
  }
  if (url.username || url.password) {
    fail("invalid_url", "The url may not carry a user name or password", 400);
  }
  if (url.hash) fail("invalid_url", "The url may not have a fragment", 400);
  if (url.protocol === "https:") return url.href;
  if (url.protocol === "http:" && allowLoopbackHttp && url.hostname === "127.0.0.1") {
    return url.href;
  }
  fail("https_required", "A webhook url must use https", 400);
}
