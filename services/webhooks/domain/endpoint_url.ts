/**
 * Which URLs a webhook may post to: https only, no credentials in the URL (they would sit in
 * the table in the clear) and no fragment; no private address (`localhost`, or an address
 * literal in a private range: domain/private_address.ts) unless the operator allows private
 * addresses. Plain http only to 127.0.0.1 and only with the dev setting
 * `TICKETD_WEBHOOKS_ALLOW_LOOPBACK_HTTP` (tests, a receiver on the same host).
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import { isAddressLiteral, isPrivateAddress } from "./private_address.ts";

export const MAX_URL_CHARS = 2_048;

/** What the operator allows beyond public https endpoints. */
export interface EndpointPolicy {
  allowLoopbackHttp: boolean;
  allowPrivateAddresses: boolean;
}

/** The normalised `raw`, or a 400 `invalid_url` / `https_required` / `private_address`. */
export function endpointUrl(raw: string, policy: EndpointPolicy): string {
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
  const loopbackHttp = url.protocol === "http:" && policy.allowLoopbackHttp &&
    url.hostname === "127.0.0.1";
  if (url.protocol !== "https:" && !loopbackHttp) {
    fail("https_required", "A webhook url must use https", 400);
  }
  if (!loopbackHttp && !policy.allowPrivateAddresses && isPrivateHost(url.hostname)) {
    fail("private_address", "A webhook url may not name a private or local address", 400);
  }
  return url.href;
}

function isPrivateHost(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  return isAddressLiteral(host) && isPrivateAddress(host);
}
