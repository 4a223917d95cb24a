/**
 * The identity service under attack, with hand-written requests: replayed codes, wrong PKCE
 * verifiers and redirect URIs, reused refresh tokens, wrong client secrets, password guessing,
 * user enumeration, and floods (429 with Retry-After).
 * @module
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import { hashSecret } from "../services/identity/passwords.ts";
import { ClientStore } from "../services/identity/store/clients.ts";
import {
  basic,
  CONSOLE_REDIRECT,
  type IdentityHarness,
  INSECURE,
  PASSWORD,
  postForm,
  SECRET,
  signIn,
  WEB_REDIRECT,
  withIdentity,
} from "./support/identity_harness.ts";

/** A code for the web app, and what exchanging it needs. */
async function webCode(h: IdentityHarness) {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const back = await signIn(h, { clientId: "webapp", redirectUri: WEB_REDIRECT, codeVerifier });
  return { code: back.searchParams.get("code")!, codeVerifier };
}

function exchange(
  h: IdentityHarness,
  fields: Record<string, string>,
  auth = basic("webapp", SECRET),
) {
  return postForm(
    h.as.token_endpoint!,
    new URLSearchParams({ grant_type: "authorization_code", ...fields }),
    { authorization: auth },
  );
}

async function oauthError(response: Response): Promise<string> {
  assert.equal(response.headers.get("content-type"), "application/json");
  return (await response.json()).error;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

Deno.test("identity attack - a replayed code is refused and revokes the tokens issued from it", async () => {
  await withIdentity(async (h) => {
    const { code, codeVerifier } = await webCode(h);
    const fields = { code, code_verifier: codeVerifier, redirect_uri: WEB_REDIRECT };
    const first = await exchange(h, fields);
    assert.equal(first.status, 200);
    const tokens = await first.json();
    assert.equal(
      await fetch(`${h.url}/users`, bearer(tokens.access_token)).then(async (
        r,
      ) => (await r.body?.cancel(), r.status)),
      200,
    );
    const replay = await exchange(h, fields);
    assert.equal(replay.status, 400);
    assert.equal(await oauthError(replay), "invalid_grant");
    const refresh = await postForm(
      h.as.token_endpoint!,
      new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refresh_token }),
      { authorization: basic("webapp", SECRET) },
    );
    assert.equal(await oauthError(refresh), "invalid_grant");
    const users = await fetch(`${h.url}/users`, bearer(tokens.access_token));
    await users.body?.cancel();
    assert.equal(users.status, 401);
  });
});

Deno.test("identity attack - a wrong code_verifier is invalid_grant and uses the code up", async () => {
  await withIdentity(async (h) => {
    const { code, codeVerifier } = await webCode(h);
    const wrong = await exchange(h, {
      code,
      code_verifier: oauth.generateRandomCodeVerifier(),
      redirect_uri: WEB_REDIRECT,
    });
    assert.equal(await oauthError(wrong), "invalid_grant");
    const right = await exchange(h, {
      code,
      code_verifier: codeVerifier,
      redirect_uri: WEB_REDIRECT,
    });
    assert.equal(await oauthError(right), "invalid_grant");
  });
});

Deno.test("identity attack - a missing code_verifier is invalid_request", async () => {
  await withIdentity(async (h) => {
    const { code } = await webCode(h);
    const response = await exchange(h, { code, redirect_uri: WEB_REDIRECT });
    assert.equal(response.status, 400);
    assert.equal(await oauthError(response), "invalid_request");
  });
});

Deno.test("identity attack - a code exchanged with another registered redirect_uri is invalid_grant", async () => {
  await withIdentity(async (h) => {
    const { code, codeVerifier } = await webCode(h);
    const response = await exchange(h, {
      code,
      code_verifier: codeVerifier,
      redirect_uri: "https://app.example/other",
    });
    assert.equal(await oauthError(response), "invalid_grant");
  });
});

Deno.test("identity attack - a code of one client is invalid_grant for another", async () => {
  await withIdentity(async (h) => {
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const back = await signIn(h, {
      clientId: "console",
      redirectUri: CONSOLE_REDIRECT,
      codeVerifier,
    });
    const response = await exchange(h, {
      code: back.searchParams.get("code")!,
      code_verifier: codeVerifier,
      redirect_uri: CONSOLE_REDIRECT,
    });
    assert.equal(await oauthError(response), "invalid_grant");
  });
});

Deno.test("identity attack - an unregistered redirect_uri is shown as an error, never redirected to", async () => {
  await withIdentity(async (h) => {
    const params = new URLSearchParams({
      response_type: "code",
      client_id: "webapp",
      redirect_uri: "https://evil.example/callback",
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: "S256",
    });
    const response = await fetch(`${h.as.authorization_endpoint}?${params}`, {
      redirect: "manual",
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get("location"), null);
    assert.match(await response.text(), /data-code="invalid_redirect_uri"/);
    const form = new URLSearchParams(params);
    form.set("username", "admin");
    form.set("password", PASSWORD);
    const posted = await postForm(h.as.authorization_endpoint!, form);
    assert.equal(posted.status, 400);
    assert.equal(posted.headers.get("location"), null);
    await posted.body?.cancel();
    const unknown = await fetch(
      `${h.as.authorization_endpoint}?client_id=nobody&redirect_uri=https://evil.example/`,
      { redirect: "manual" },
    );
    assert.equal(unknown.status, 400);
    assert.match(await unknown.text(), /data-code="invalid_client"/);
  });
});

Deno.test("identity attack - PKCE plain or no challenge is refused (redirected with invalid_request)", async () => {
  await withIdentity(async (h) => {
    for (
      const extra of [
        { code_challenge: "a".repeat(43), code_challenge_method: "plain" },
        {} as Record<string, string>,
      ]
    ) {
      const params = new URLSearchParams({
        response_type: "code",
        client_id: "webapp",
        redirect_uri: WEB_REDIRECT,
        state: "s1",
        ...extra,
      });
      const response = await fetch(`${h.as.authorization_endpoint}?${params}`, {
        redirect: "manual",
      });
      await response.body?.cancel();
      assert.equal(response.status, 303);
      const location = new URL(response.headers.get("location")!);
      assert.equal(location.origin + location.pathname, WEB_REDIRECT);
      assert.equal(location.searchParams.get("error"), "invalid_request");
      assert.equal(location.searchParams.get("state"), "s1");
    }
  });
});

Deno.test("identity attack - a reused refresh token revokes the whole family", async () => {
  await withIdentity(async (h) => {
    const { code, codeVerifier } = await webCode(h);
    const tokens =
      await (await exchange(h, { code, code_verifier: codeVerifier, redirect_uri: WEB_REDIRECT }))
        .json();
    const refresh = (token: string) =>
      postForm(
        h.as.token_endpoint!,
        new URLSearchParams({ grant_type: "refresh_token", refresh_token: token }),
        { authorization: basic("webapp", SECRET) },
      );
    const rotated = await (await refresh(tokens.refresh_token)).json();
    assert.ok(rotated.refresh_token);
    const reuse = await refresh(tokens.refresh_token);
    assert.equal(await oauthError(reuse), "invalid_grant");
    const latest = await refresh(rotated.refresh_token);
    assert.equal(
      await oauthError(latest),
      "invalid_grant",
      "the newest token of the family is dead too",
    );
    const users = await fetch(`${h.url}/users`, bearer(rotated.access_token));
    await users.body?.cancel();
    assert.equal(users.status, 401, "and so are its access tokens");
  });
});

Deno.test("identity attack - a wrong or missing client secret is 401 invalid_client with a Basic challenge", async () => {
  await withIdentity(async (h) => {
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    for (const auth of [basic("integration", "wrong"), basic("nobody", SECRET)]) {
      const response = await postForm(h.as.token_endpoint!, form, { authorization: auth });
      assert.equal(response.status, 401);
      assert.match(response.headers.get("www-authenticate") ?? "", /^Basic/);
      assert.equal(await oauthError(response), "invalid_client");
    }
    const noSecret = await postForm(
      h.as.token_endpoint!,
      new URLSearchParams({ grant_type: "client_credentials", client_id: "integration" }),
    );
    assert.equal(noSecret.status, 401);
    assert.equal(await oauthError(noSecret), "invalid_client");
  });
});

Deno.test("identity attack - a public client cannot use client_credentials; unknown grants and repeated parameters are refused", async () => {
  await withIdentity(async (h) => {
    const publicCc = await postForm(
      h.as.token_endpoint!,
      new URLSearchParams({ grant_type: "client_credentials", client_id: "console" }),
    );
    assert.equal(await oauthError(publicCc), "unauthorized_client");
    const password = await postForm(
      h.as.token_endpoint!,
      new URLSearchParams({ grant_type: "password", username: "admin", password: PASSWORD }),
      { authorization: basic("webapp", SECRET) },
    );
    assert.equal(await oauthError(password), "unsupported_grant_type");
    const twice = await postForm(
      h.as.token_endpoint!,
      new URLSearchParams([["grant_type", "client_credentials"], ["scope", "a"], ["scope", "b"]]),
      { authorization: basic("integration", SECRET) },
    );
    assert.equal(await oauthError(twice), "invalid_request");
    const scope = await postForm(
      h.as.token_endpoint!,
      new URLSearchParams({ grant_type: "client_credentials", scope: "users" }),
      { authorization: basic("integration", SECRET) },
    );
    assert.equal(await oauthError(scope), "invalid_scope");
  });
});

function loginForm(username: string, password: string) {
  return new URLSearchParams({
    response_type: "code",
    client_id: "console",
    redirect_uri: CONSOLE_REDIRECT,
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
    username,
    password,
  });
}

Deno.test("identity attack - five wrong passwords lock the name: even the right one is 429 login_locked with Retry-After", async () => {
  await withIdentity(async (h) => {
    const json = { accept: "application/json" };
    for (let i = 0; i < 5; i++) {
      const wrong = await postForm(
        h.as.authorization_endpoint!,
        loginForm("agent", `guess-${i}`),
        json,
      );
      assert.equal(wrong.status, 401);
      assert.equal((await wrong.json()).code, "invalid_credentials");
    }
    const locked = await postForm(h.as.authorization_endpoint!, loginForm("agent", PASSWORD), json);
    assert.equal(locked.status, 429);
    const retry = Number(locked.headers.get("retry-after"));
    assert.ok(retry > 800 && retry <= 900, `Retry-After ${retry}`);
    assert.equal((await locked.json()).code, "login_locked");
    const html = await postForm(h.as.authorization_endpoint!, loginForm("agent", PASSWORD));
    assert.equal(html.status, 429);
    assert.match(await html.text(), /data-code="login_locked"/);
    const other = await postForm(h.as.authorization_endpoint!, loginForm("supervisor", PASSWORD));
    await other.body?.cancel();
    assert.equal(other.status, 303, "other names are not affected");
  });
});

Deno.test("identity attack - parallel guesses cannot exceed the failure limit", async () => {
  await withIdentity(async (h) => {
    const json = { accept: "application/json" };
    const answers = await Promise.all(
      Array.from(
        { length: 8 },
        (_, i) => postForm(h.as.authorization_endpoint!, loginForm("agent", `guess-${i}`), json),
      ),
    );
    const statuses = await Promise.all(
      answers.map(async (r) => (await r.body?.cancel(), r.status)),
    );
    assert.equal(statuses.filter((s) => s === 401).length, 5);
    assert.equal(statuses.filter((s) => s === 429).length, 3);
  });
});

Deno.test("identity attack - an unknown user and a wrong password get the same answer in about the same time", async () => {
  await withIdentity(async (h) => {
    const json = { accept: "application/json" };
    const attempt = async (username: string) => {
      const started = performance.now();
      const response = await postForm(
        h.as.authorization_endpoint!,
        loginForm(username, "wrong password"),
        json,
      );
      const body = await response.json();
      return { status: response.status, body, ms: performance.now() - started };
    };
    await attempt("warmup");
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await attempt("customer");
      const b = await attempt(`nobody-${i}`);
      assert.equal(a.status, b.status);
      assert.deepEqual(a.body, b.body);
      known.push(a.ms);
      unknown.push(b.ms);
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[1];
    const [k, u] = [median(known), median(unknown)];
    assert.ok(u > k / 2 && k > u / 2, `known ${k.toFixed(1)} ms vs unknown ${u.toFixed(1)} ms`);
  }, { TICKETD_IDENTITY_RATE_LOGIN_BURST: "100" });
});

Deno.test("identity attack - a flood of token requests gets 429 rate_limited with Retry-After", async () => {
  await withIdentity(async (h) => {
    const form = () => new URLSearchParams({ grant_type: "client_credentials" });
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 4; i++) {
      const response = await postForm(h.as.token_endpoint!, form(), {
        authorization: basic("integration", SECRET),
      });
      statuses.push(response.status);
      if (response.status === 429) refused = response;
      else await response.body?.cancel();
    }
    assert.deepEqual(statuses, [200, 200, 429, 429]);
    assert.ok(Number(refused!.headers.get("retry-after")) >= 1);
    assert.equal((await refused!.json()).code, "rate_limited");
  }, {
    TICKETD_IDENTITY_RATE_TOKEN_ENDPOINT_BURST: "2",
    TICKETD_IDENTITY_RATE_TOKEN_ENDPOINT_PER_MINUTE: "1",
  });
});

Deno.test("identity attack - every route is rate limited per address, the JWKS and metadata included", async () => {
  await withIdentity(async (h) => {
    const statuses: number[] = [];
    for (
      const path of [
        "/.well-known/jwks.json",
        "/.well-known/oauth-authorization-server",
        "/users",
        "/oauth/revoked",
      ]
    ) {
      const response = await fetch(`${h.url}${path}`);
      await response.body?.cancel();
      statuses.push(response.status);
      if (response.status === 429) assert.ok(Number(response.headers.get("retry-after")) >= 1);
    }
    assert.deepEqual(
      statuses,
      [429, 429, 429, 429],
      "the harness's discovery used the one request allowed",
    );
  }, { TICKETD_IDENTITY_RATE_ADDRESS_BURST: "1", TICKETD_IDENTITY_RATE_ADDRESS_PER_MINUTE: "1" });
});

Deno.test("identity attack - sign-ins from one address are limited before any password is checked", async () => {
  await withIdentity(async (h) => {
    const json = { accept: "application/json" };
    const statuses: number[] = [];
    for (const name of ["a", "b", "c"]) {
      const response = await postForm(h.as.authorization_endpoint!, loginForm(name, "x"), json);
      await response.body?.cancel();
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [401, 401, 429]);
  }, { TICKETD_IDENTITY_RATE_LOGIN_BURST: "2", TICKETD_IDENTITY_RATE_LOGIN_PER_MINUTE: "1" });
});

Deno.test("identity attack - the token endpoint's own limit leaves the sign-in page alone", async () => {
  await withIdentity(async (h) => {
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    for (let i = 0; i < 2; i++) {
      const response = await postForm(h.as.token_endpoint!, form, {
        authorization: basic("integration", SECRET),
      });
      await response.body?.cancel();
    }
    const page = await fetch(`${h.url}/oauth/callback?code=x`);
    await page.body?.cancel();
    assert.equal(page.status, 200);
  }, {
    TICKETD_IDENTITY_RATE_TOKEN_ENDPOINT_BURST: "1",
    TICKETD_IDENTITY_RATE_TOKEN_ENDPOINT_PER_MINUTE: "1",
  });
});

Deno.test("identity - client ids and secrets with reserved characters authenticate (form-encoded Basic)", async () => {
  await withIdentity(async (h) => {
    const secret = "s p:ä+%/=";
    await new ClientStore(h.sql).create({
      clientId: "odd:client",
      tenant: "acme",
      name: "Odd",
      secretHash: await hashSecret(secret, { logN: 14, r: 8, p: 1 }),
      redirectUris: [],
      grantTypes: ["client_credentials"],
      scopes: ["tickets"],
      role: "agent",
    });
    const client = { client_id: "odd:client" };
    for (const auth of [oauth.ClientSecretBasic(secret), oauth.ClientSecretPost(secret)]) {
      const response = await oauth.clientCredentialsGrantRequest(h.as, client, auth, {}, INSECURE);
      const tokens = await oauth.processClientCredentialsResponse(h.as, client, response);
      assert.ok(tokens.access_token);
    }
  });
});

Deno.test("identity attack - a code past its lifetime is invalid_grant", async () => {
  await withIdentity(async (h) => {
    const { code, codeVerifier } = await webCode(h);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const response = await exchange(h, {
      code,
      code_verifier: codeVerifier,
      redirect_uri: WEB_REDIRECT,
    });
    assert.equal(await oauthError(response), "invalid_grant");
  }, { TICKETD_AUTH_CODE_TTL_SECONDS: "1" });
});
