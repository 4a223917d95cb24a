/**
 * A tickets service running apart from the identity service honours revocation through the
 * published deny list: a revoked access token stops working after one refresh of the list.
 * @module
 */
import assert from "node:assert/strict";
import { createVerifier } from "@ticketd/shared/http/auth.ts";
import { honouringDenyList, RemoteDenyList } from "@ticketd/shared/http/revocation.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { startIdentityHarness, tokensFor } from "./support/identity_harness.ts";

Deno.test("deny list - an access token revoked at the identity service is refused apart from it", async () => {
  const h = await startIdentityHarness();
  const list = new RemoteDenyList({
    url: `${h.url}/oauth/revoked`,
    pollMs: 60_000,
    log: createLogger("error"),
  });
  try {
    await list.start();
    const verify = honouringDenyList(
      createVerifier({
        issuer: h.issuer.href.replace(/\/$/, ""),
        audience: "ticketd",
        jwksUrl: `${h.url}/.well-known/jwks.json`,
      }),
      list,
    );
    const { access_token: token } = await tokensFor(h, "agent");
    assert.equal((await verify(token)).role, "agent");
    const revoke = await fetch(`${h.url}/oauth/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, client_id: "console" }),
    });
    assert.equal(revoke.status, 200);
    await revoke.body?.cancel();
    assert.equal((await verify(token)).role, "agent", "still valid until the list is refreshed");
    await list.refresh();
    await assert.rejects(verify(token), { code: "unauthorized", message: /revoked/ });
  } finally {
    list.stop();
    await h.stop();
  }
});
