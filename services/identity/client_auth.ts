/**
 * Client authentication at the token and revocation endpoints: `client_secret_basic`,
 * `client_secret_post`, or `none` for public clients (which must then use PKCE). Unknown
 * clients cost a scrypt like known ones, so client ids cannot be probed by timing.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import { verifySecret } from "./passwords.ts";
import type { Client, ClientStore } from "./store/clients.ts";

export interface ClientAuthDeps {
  clients: ClientStore;
  dummyHash: string;
}

/** The client a request authenticates as; 401 `invalid_client` otherwise. */
export async function authenticateClient(
  deps: ClientAuthDeps,
  authorization: string | undefined,
  form: Map<string, string>,
): Promise<Client> {
  const basic = parseBasic(authorization);
  const posted = form.get("client_secret");
  if (
    basic && (posted !== undefined || form.has("client_id") && form.get("client_id") !== basic.id)
  ) {
    fail("invalid_request", "Authenticate the client with one method only", 400);
  }
  const clientId = basic?.id ?? form.get("client_id");
  const secret = basic?.secret ?? posted;
  if (!clientId) invalidClient("Client authentication is required");
  const client = await deps.clients.find(clientId);
  if (!client?.secretHash) {
    if (client && secret === undefined) return client; // a public client: auth method none
    await verifySecret(secret ?? "", deps.dummyHash);
    invalidClient("Client authentication failed");
  }
  if (secret === undefined || !(await verifySecret(secret, client.secretHash))) {
    invalidClient("Client authentication failed");
  }
  return client;
}

function parseBasic(header: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(header ?? "");
  if (!match) {
    if (header && /^Basic\b/i.test(header)) invalidClient("Malformed Basic credentials");
    return null;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(atob(match[1]), (ch) => ch.charCodeAt(0)),
    );
  } catch {
    invalidClient("Malformed Basic credentials");
  }
  const colon = text.indexOf(":");
  if (colon < 0) invalidClient("Malformed Basic credentials");
  try {
    return { id: formDecode(text.slice(0, colon)), secret: formDecode(text.slice(colon + 1)) };
  } catch {
    invalidClient("Malformed Basic credentials");
  }
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before base64. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replaceAll("+", " "));
}

function invalidClient(message: string): never {
  fail("invalid_client", message, 401);
}
