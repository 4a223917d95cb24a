/**
 * Every flow of the identity service driven by oauth4webapi, an independent OAuth client:
 * discovery, client credentials, authorization code with PKCE, refresh, revocation; and the
 * issued access tokens accepted by the verifier the tickets service uses.
 * @module
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import { createVerifier } from "@ticketd/shared/http/auth.ts";
import {
  codeFlow,
  CONSOLE_REDIRECT,
  INSECURE,
  PASSWORD,
  postForm,
  SECRET,
  WEB_REDIRECT,
  withIdentity,
} from "./support/identity_harness.ts";

const web: oauth.Client = { client_id: "webapp" };
const consoleClient: oauth.Client = { client_id: "console", token_endpoint_auth_method: "none" };

Deno.test("identity - discovery publishes RFC 8414 metadata with S256 only and the JWKS", async () => {
  await withIdentity(async (h) => {
    assert.equal(h.as.issuer, h.running.service.issuer);
    assert.deepEqual(h.as.code_challenge_methods_supported, ["S256"]);
    assert.deepEqual(h.as.grant_types_supported, [
      "authorization_code",
      "refresh_token",
      "client_credentials",
    ]);
    assert.ok(h.as.token_endpoint_auth_methods_supported?.includes("client_secret_basic"));
    const jwks = await (await fetch(h.as.jwks_uri!)).json();
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0].alg, "EdDSA");
    assert.equal(jwks.keys[0].d, undefined);
  });
});

Deno.test("identity - client_credentials with client_secret_basic issues a token for the client itself", async () => {
  await withIdentity(async (h) => {
    const client = { client_id: "integration" };
    const response = await oauth.clientCredentialsGrantRequest(
      h.as,
      client,
      oauth.ClientSecretBasic(SECRET),
      { scope: "tickets" },
      INSECURE,
    );
    const tokens = await oauth.processClientCredentialsResponse(h.as, client, response);
    assert.equal(tokens.token_type, "bearer");
    assert.equal(tokens.expires_in, 900);
    assert.equal(tokens.refresh_token, undefined);
    const verify = createVerifier({
      issuer: h.as.issuer,
      audience: "ticketd",
      jwksUrl: h.as.jwks_uri,
    });
    assert.deepEqual(await verify(tokens.access_token), {
      id: "integration",
      role: "agent",
      tenant: "acme",
      groups: [],
    });
  });
});

Deno.test("identity - client_credentials with client_secret_post works too", async () => {
  await withIdentity(async (h) => {
    const client = { client_id: "integration" };
    const response = await oauth.clientCredentialsGrantRequest(
      h.as,
      client,
      oauth.ClientSecretPost(SECRET),
      {},
      INSECURE,
    );
    const tokens = await oauth.processClientCredentialsResponse(h.as, client, response);
    assert.equal(tokens.scope, "tickets");
  });
});

Deno.test("identity - authorization_code with PKCE for a confidential client gives access and refresh tokens the tickets verifier accepts", async () => {
  await withIdentity(async (h) => {
    const tokens = await codeFlow(h, web, oauth.ClientSecretBasic(SECRET), WEB_REDIRECT, {
      username: "agent",
    });
    assert.ok(tokens.refresh_token);
    const verify = createVerifier({
      issuer: h.as.issuer,
      audience: "ticketd",
      jwksUrl: h.as.jwks_uri,
    });
    assert.deepEqual(await verify(tokens.access_token), {
      id: h.userIds.agent,
      role: "agent",
      tenant: "acme",
      groups: ["support"],
    });
    const claims = JSON.parse(
      atob(tokens.access_token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/")),
    );
    assert.equal(claims.client_id, "webapp");
    assert.equal(claims.scope, "tickets users");
    assert.deepEqual(claims.roles, ["agent"]);
    assert.equal(claims.exp - claims.iat, 900);
    assert.match(claims.jti, /^[1-9][0-9]+$/);
  });
});

Deno.test("identity - a public client (the console) signs in with auth method none and PKCE", async () => {
  await withIdentity(async (h) => {
    const tokens = await codeFlow(h, consoleClient, oauth.None(), CONSOLE_REDIRECT);
    assert.ok(tokens.access_token);
    assert.ok(tokens.refresh_token);
  });
});

Deno.test("identity - refresh_token rotates: each use returns a new refresh token", async () => {
  await withIdentity(async (h) => {
    const first = await codeFlow(h, consoleClient, oauth.None(), CONSOLE_REDIRECT);
    const response = await oauth.refreshTokenGrantRequest(
      h.as,
      consoleClient,
      oauth.None(),
      first.refresh_token!,
      INSECURE,
    );
    const second = await oauth.processRefreshTokenResponse(h.as, consoleClient, response);
    assert.ok(second.refresh_token);
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.notEqual(second.access_token, first.access_token);
    const third = await oauth.processRefreshTokenResponse(
      h.as,
      consoleClient,
      await oauth.refreshTokenGrantRequest(
        h.as,
        consoleClient,
        oauth.None(),
        second.refresh_token!,
        INSECURE,
      ),
    );
    assert.ok(third.access_token);
  });
});

Deno.test("identity - revoking a refresh token ends its family", async () => {
  await withIdentity(async (h) => {
    const tokens = await codeFlow(h, web, oauth.ClientSecretBasic(SECRET), WEB_REDIRECT);
    const revoked = await oauth.revocationRequest(
      h.as,
      web,
      oauth.ClientSecretBasic(SECRET),
      tokens.refresh_token!,
      INSECURE,
    );
    await oauth.processRevocationResponse(revoked);
    const response = await oauth.refreshTokenGrantRequest(
      h.as,
      web,
      oauth.ClientSecretBasic(SECRET),
      tokens.refresh_token!,
      INSECURE,
    );
    await assert.rejects(
      oauth.processRefreshTokenResponse(h.as, web, response),
      (e: oauth.ResponseBodyError) => e.error === "invalid_grant",
    );
    const users = await fetch(`${h.url}/users`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(users.status, 401, "the family's access token is denied too");
  });
});

Deno.test("identity - a revoked access token is on the deny list and refused by the users API", async () => {
  await withIdentity(async (h) => {
    const tokens = await codeFlow(h, web, oauth.ClientSecretBasic(SECRET), WEB_REDIRECT);
    const auth = { authorization: `Bearer ${tokens.access_token}` };
    assert.equal(
      await fetch(`${h.url}/users`, { headers: auth }).then(async (
        r,
      ) => (await r.body?.cancel(), r.status)),
      200,
    );
    const revoked = await oauth.revocationRequest(
      h.as,
      web,
      oauth.ClientSecretBasic(SECRET),
      tokens.access_token,
      { ...INSECURE, additionalParameters: { token_type_hint: "access_token" } },
    );
    await oauth.processRevocationResponse(revoked);
    const denied = await fetch(`${h.url}/users`, { headers: auth });
    assert.equal(denied.status, 401);
    assert.equal((await denied.json()).code, "unauthorized");
    const jti =
      JSON.parse(atob(tokens.access_token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/")))
        .jti;
    const list = await (await fetch(`${h.url}/oauth/revoked`)).json();
    assert.ok(list.revoked.some((entry: { jti: string }) => entry.jti === jti));
    const fresh = await oauth.processRefreshTokenResponse(
      h.as,
      web,
      await oauth.refreshTokenGrantRequest(
        h.as,
        web,
        oauth.ClientSecretBasic(SECRET),
        tokens.refresh_token!,
        INSECURE,
      ),
    );
    assert.ok(fresh.access_token, "revoking an access token leaves its refresh token working");
  });
});

Deno.test("identity - revoking an unknown token answers 200 and changes nothing (RFC 7009)", async () => {
  await withIdentity(async (h) => {
    const revoked = await oauth.revocationRequest(
      h.as,
      web,
      oauth.ClientSecretBasic(SECRET),
      "not-a-token",
      INSECURE,
    );
    await oauth.processRevocationResponse(revoked);
  });
});

Deno.test("identity - a supervisor's token carries its role to the tickets verifier", async () => {
  await withIdentity(async (h) => {
    const tokens = await codeFlow(h, consoleClient, oauth.None(), CONSOLE_REDIRECT, {
      username: "supervisor",
    });
    const verify = createVerifier({
      issuer: h.as.issuer,
      audience: "ticketd",
      jwksUrl: h.as.jwks_uri,
    });
    assert.equal((await verify(tokens.access_token)).role, "supervisor");
  });
});

Deno.test("identity - a resource server in the same process refuses revoked tokens (honouringRevocation)", async () => {
  await withIdentity(async (h) => {
    const tokens = await codeFlow(h, web, oauth.ClientSecretBasic(SECRET), WEB_REDIRECT);
    const { service } = h.running;
    const verify = service.honouringRevocation(
      createVerifier({ issuer: service.issuer, audience: service.audience, jwks: service.jwks() }),
    );
    assert.equal((await verify(tokens.access_token)).id, h.userIds.admin);
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(
        h.as,
        web,
        oauth.ClientSecretBasic(SECRET),
        tokens.access_token,
        INSECURE,
      ),
    );
    await assert.rejects(verify(tokens.access_token), { code: "unauthorized", status: 401 });
  });
});

Deno.test("identity - a code requested without redirect_uri is exchanged without one (RFC 6749 §4.1.3)", async () => {
  await withIdentity(async (h) => {
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const params = new URLSearchParams({
      response_type: "code",
      client_id: "console", // exactly one redirect URI registered
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      state: "s1",
    });
    const page = await fetch(`${h.as.authorization_endpoint}?${params}`);
    assert.equal(page.status, 200);
    await page.body?.cancel();
    const form = new URLSearchParams(params);
    form.set("username", "admin");
    form.set("password", PASSWORD);
    const signedIn = await postForm(h.as.authorization_endpoint!, form);
    await signedIn.body?.cancel();
    const back = new URL(signedIn.headers.get("location")!);
    assert.equal(back.origin + back.pathname, CONSOLE_REDIRECT);
    const tokens = await postForm(
      h.as.token_endpoint!,
      new URLSearchParams({
        grant_type: "authorization_code",
        client_id: "console",
        code: back.searchParams.get("code")!,
        code_verifier: codeVerifier,
      }),
    );
    assert.equal(tokens.status, 200, await tokens.clone().text());
    assert.ok((await tokens.json()).access_token);
  });
});
