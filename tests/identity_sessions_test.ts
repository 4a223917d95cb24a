/**
 * Changing a user (password, role, groups) ends every session of theirs: old refresh tokens are
 * `invalid_grant`, old access tokens are denied at once (users API, the in-process tickets
 * check, the published deny list), and a code from a sign-in before the change is refused. The
 * user signs in again with the new credentials; other users keep their sessions.
 * @module
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import { createVerifier } from "@ticketd/shared/http/auth.ts";
import { honouringDenyList, RemoteDenyList } from "@ticketd/shared/http/revocation.ts";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import {
  callJson,
  CONSOLE_REDIRECT,
  type IdentityHarness,
  PASSWORD,
  postForm,
  signIn,
  startIdentityHarness,
  tokensFor,
  withIdentity,
} from "./support/identity_harness.ts";

const call = callJson;

async function refresh(h: IdentityHarness, refreshToken: string) {
  const response = await postForm(
    h.as.token_endpoint!,
    new URLSearchParams({
      grant_type: "refresh_token",
      client_id: "console",
      refresh_token: refreshToken,
    }),
  );
  return { status: response.status, body: await response.json() };
}

const jti = (token: string) =>
  JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).jti;

Deno.test("identity sessions - a password reset by an admin ends the user's sessions; the new password signs in", async () => {
  await withIdentity(async (h) => {
    const admin = (await tokensFor(h, "admin")).access_token;
    const before = await tokensFor(h, "agent");
    assert.equal((await refresh(h, before.refresh_token!)).status, 200, "rotates before the reset");
    const second = await tokensFor(h, "agent"); // another sign-in (another device)

    const reset = await call(h, admin, "PATCH", `/users/${h.userIds.agent}`, {
      password: "a brand new password",
    });
    assert.equal(reset.status, 200);

    const old = await refresh(h, second.refresh_token!);
    assert.equal(old.status, 400);
    assert.equal(old.body.error, "invalid_grant");
    await assert.rejects(() => tokensFor(h, "agent", PASSWORD), /sign-in answered 401/);
    const again = await tokensFor(h, "agent", "a brand new password");
    assert.equal((await refresh(h, again.refresh_token!)).status, 200, "the new session works");
    assert.equal((await call(h, admin, "GET", "/users")).status, 200, "the admin's session stays");
  });
});

Deno.test("identity sessions - after a role change the old access token is refused at once (401), everywhere", async () => {
  await withIdentity(async (h) => {
    const admin = (await tokensFor(h, "admin")).access_token;
    await h.addUser("acme", "second-admin", "admin");
    const second = await tokensFor(h, "second-admin");
    assert.equal((await call(h, second.access_token, "GET", "/users")).status, 200);
    // As `deno task start` checks identity tokens for the tickets service.
    const tickets = h.running.service.honouringRevocation(createVerifier({
      issuer: h.as.issuer,
      audience: "ticketd",
      jwks: h.running.service.jwks(),
      scope: "tickets",
      scopeRequired: true,
    }));
    assert.equal((await tickets(second.access_token)).role, "admin");

    const listed = await call(h, admin, "GET", "/users?limit=200");
    const id = listed.body.users.find((u: { username: string }) =>
      u.username === "second-admin"
    ).id;
    const changed = await call(h, admin, "PATCH", `/users/${id}`, { role: "supervisor" });
    assert.equal(changed.status, 200);

    const refused = await call(h, second.access_token, "GET", "/users");
    assert.equal(refused.status, 401, "a supervisor may list users: 401 means the token is denied");
    await assert.rejects(() => tickets(second.access_token), /revoked/);
    const deny = await (await fetch(`${h.url}/oauth/revoked`)).json();
    assert.ok(
      deny.revoked.some((entry: { jti: string }) => entry.jti === jti(second.access_token)),
    );
    assert.equal((await refresh(h, second.refresh_token!)).body.error, "invalid_grant");

    const fresh = await tokensFor(h, "second-admin");
    assert.equal((await tickets(fresh.access_token)).role, "supervisor");
    assert.equal((await call(h, fresh.access_token, "GET", "/users")).status, 200);
  });
});

Deno.test("identity sessions - a code from a sign-in before the change cannot be exchanged after it", async () => {
  await withIdentity(async (h) => {
    const admin = (await tokensFor(h, "admin")).access_token;
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const back = await signIn(h, {
      clientId: "console",
      redirectUri: CONSOLE_REDIRECT,
      codeVerifier,
      username: "agent",
    });
    const changed = await call(h, admin, "PATCH", `/users/${h.userIds.agent}`, {
      groups: ["billing"],
    });
    assert.equal(changed.status, 200);
    const exchange = await postForm(
      h.as.token_endpoint!,
      new URLSearchParams({
        grant_type: "authorization_code",
        client_id: "console",
        code: back.searchParams.get("code")!,
        redirect_uri: CONSOLE_REDIRECT,
        code_verifier: codeVerifier,
      }),
    );
    const body = await exchange.json();
    assert.equal(exchange.status, 400);
    assert.equal(body.error, "invalid_grant");
    assert.match(body.error_description, /sessions were ended/);
  });
});

Deno.test("identity sessions - a public client signs out by revoking its refresh token with client_id (docs/identity.md)", async () => {
  await withIdentity(async (h) => {
    const tokens = await tokensFor(h, "agent");
    const revoked = await postForm(
      `${h.url}/oauth/revoke`,
      new URLSearchParams({ client_id: "console", token: tokens.refresh_token! }),
    );
    assert.equal(revoked.status, 200);
    await revoked.body?.cancel();
    assert.equal((await refresh(h, tokens.refresh_token!)).body.error, "invalid_grant");
    const denied = await call(h, tokens.access_token, "GET", "/users");
    assert.equal(denied.status, 401, "the family's access token is denied too");
  });
});

Deno.test("identity sessions - a tickets service apart refuses the changed user's access token after one poll of the deny list", async () => {
  await withIdentity(async (h) => {
    const list = new RemoteDenyList({
      url: `${h.url}/oauth/revoked`,
      pollMs: 60_000,
      log: createLogger("error"),
    });
    try {
      await list.start();
      const verify = honouringDenyList(
        createVerifier({ issuer: h.as.issuer, audience: "ticketd", jwksUrl: h.as.jwks_uri }),
        list,
      );
      const admin = (await tokensFor(h, "admin")).access_token;
      const agent = (await tokensFor(h, "agent")).access_token;
      assert.equal((await verify(agent)).role, "agent");
      const changed = await call(h, admin, "PATCH", `/users/${h.userIds.agent}`, {
        role: "customer",
      });
      assert.equal(changed.status, 200);
      await list.refresh(); // what the poll does every TICKETD_REVOCATION_POLL_SECONDS
      await assert.rejects(verify(agent), { code: "unauthorized", message: /revoked/ });
    } finally {
      list.stop();
    }
  });
});

Deno.test("identity sessions - a stronger rehash at sign-in ends no session", async () => {
  const h = await startIdentityHarness({ TICKETD_SCRYPT_LOG_N: "15" }); // seeded with 2^14
  try {
    const tokens = await tokensFor(h, "agent"); // this sign-in rehashes the password
    const [{ passwordHash }] = await h.sql<{ passwordHash: string }[]>`
      select password_hash from identity_users where id = ${h.userIds.agent}`;
    assert.match(passwordHash, /^\$scrypt\$ln=15,/);
    assert.equal((await refresh(h, tokens.refresh_token!)).status, 200);
    assert.equal((await tokensFor(h, "agent")).token_type.toLowerCase(), "bearer");
  } finally {
    await h.stop();
  }
});

Deno.test("identity sessions - a change that changes nothing ends no session", async () => {
  await withIdentity(async (h) => {
    const admin = (await tokensFor(h, "admin")).access_token;
    const same = await call(h, admin, "PATCH", `/users/${h.userIds.admin}`, { role: "admin" });
    assert.equal(same.status, 200);
    assert.equal((await call(h, admin, "GET", "/users")).status, 200, "still signed in");
  });
});
