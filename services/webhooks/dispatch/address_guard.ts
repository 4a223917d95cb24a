/**
 * Checked before every attempt, because a name can point anywhere later: the endpoint's host
 * resolves (A and AAAA) to public addresses only, unless private addresses are allowed; the
 * dev setting's http://127.0.0.1 passes. A refused or unresolvable endpoint is a failed attempt
 * (`private_address`, `dns_failed`) and no request is sent. (A name that changes between this
 * check and the connection is not caught: the check narrows the hole, it does not close it.)
 * @module
 */
import type { EndpointPolicy } from "../domain/endpoint_url.ts";
import { isAddressLiteral, isPrivateAddress } from "../domain/private_address.ts";

export type Resolve = (host: string) => Promise<string[]>;

/** Null when `url` may be posted to, else the error code of the refusal. */
export async function addressRefusal(
  url: string,
  policy: EndpointPolicy,
  resolve: Resolve = resolveAll,
): Promise<"private_address" | "dns_failed" | null> {
  if (policy.allowPrivateAddresses) return null;
  const { protocol, hostname } = new URL(url);
  if (protocol === "http:" && policy.allowLoopbackHttp && hostname === "127.0.0.1") return null;
  if (isAddressLiteral(hostname)) return isPrivateAddress(hostname) ? "private_address" : null;
  const addresses = await resolve(hostname).catch(() => []);
  if (addresses.length === 0) return "dns_failed";
  return addresses.some(isPrivateAddress) ? "private_address" : null;
}

async function resolveAll(host: string): Promise<string[]> {
  const [v4, v6] = await Promise.all([
    Deno.resolveDns(host, "A").catch(() => [] as string[]),
    Deno.resolveDns(host, "AAAA").catch(() => [] as string[]),
  ]);
  return [...v4, ...v6];
}
