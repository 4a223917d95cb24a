/**
 * Scopes are enforced: a token granted `tickets` alone cannot manage users, and one granted
 * `users` alone cannot use the tickets API (as `deno task start` checks identity tokens).
 * @module
 */
import assert from "node:assert/strict";
import { createVerifier } from "@ticketd/shared/http/auth.ts";
import {
  type IdentityHarness,
  PASSWORD,
  startIdentityHarness,
  tokensFor,
} from "./support/identity_harness.ts";

async function adminToken(h: IdentityHarness, scope: string): Promise<string> {
  const tokens = await tokensFor(h, "admin", PASSWORD, scope);
  assert.equal(tokens.scope, scope);
  return tokens.access_token;
}

Deno.test("scopes - the users API needs `users`; the tickets API needs `tickets`", async () => {
  const h = await startIdentityHarness();
  try {
    const ticketsVerifier = createVerifier({
      issuer: h.running.service.issuer,
      audience: h.running.service.audience,
      jwks: h.running.service.jwks(),
      scope: "tickets",
      scopeRequired: true,
    });
    const listUsers = (token: string) =>
      fetch(`${h.url}/users`, { headers: { authorization: `Bearer ${token}` } });

    const ticketsOnly = await adminToken(h, "tickets");
    const refused = await listUsers(ticketsOnly);
    assert.equal(refused.status, 403);
    assert.equal(
      refused.headers.get("www-authenticate"),
      'Bearer error="insufficient_scope", scope="users"',
    );
    assert.equal((await refused.json()).code, "insufficient_scope");
    assert.equal((await ticketsVerifier(ticketsOnly)).role, "admin");

    const usersOnly = await adminToken(h, "users");
    const listed = await listUsers(usersOnly);
    assert.equal(listed.status, 200);
    await listed.body?.cancel();
    await assert.rejects(ticketsVerifier(usersOnly), { code: "insufficient_scope", status: 403 });
  } finally {
    await h.stop();
  }
});
