/**
 * What a new user meets first: the start banner's sign-in URL works once its placeholders are
 * filled in, error pages say what is missing, redirect URIs are checked where clients are
 * registered (`deno task identity:admin`, the bootstrap setting) and again where they are used,
 * and the admin tool says what is wrong in one line.
 * @module
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import postgres from "postgres";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { migrate } from "@ticketd/shared/postgres/migrate.ts";
import { bootstrap, signInHint } from "../services/identity/bootstrap.ts";
import { ConfigError, loadConfig } from "../services/identity/config.ts";
import { startIdentity } from "../services/identity/main.ts";
import { ClientStore } from "../services/identity/store/clients.ts";
import { UserStore } from "../services/identity/store/users.ts";
import { createTestDatabase } from "./support/database.ts";
import { connect } from "@nats-io/transport-node";
import { startTestNats } from "./support/nats.ts";
import {
  CONSOLE_REDIRECT,
  startIdentityHarness,
  withIdentity,
} from "./support/identity_harness.ts";

async function page(url: string) {
  const response = await fetch(url, { redirect: "manual" });
  return {
    status: response.status,
    location: response.headers.get("location"),
    html: await response.text(),
  };
}

Deno.test("identity first start - the banner prints the password once and a sign-in URL, not a bare endpoint", async () => {
  const db = await createTestDatabase();
  const sql = postgres(db.url, { max: 2, transform: postgres.camel, onnotice: () => {} });
  try {
    await migrate(sql, "identity", new URL("../services/identity/migrations/", import.meta.url));
    const printed: string[] = [];
    let id = 0;
    await bootstrap(loadConfig({ TICKETD_SCRYPT_LOG_N: "12" }), "http://127.0.0.1:8081", {
      users: new UserStore(sql),
      clients: new ClientStore(sql),
      nextId: () => String(++id),
      log: createLogger("error"),
      print: (text) => printed.push(text),
    });
    assert.equal(printed.length, 1);
    const [first, hint, url] = printed[0].split("\n");
    assert.match(
      first,
      /^First admin of tenant "demo": user "admin", password \S{15,} \(shown once\)$/,
    );
    assert.match(hint, /docs\/identity\.md, "Flows"/);
    assert.equal(
      url.trim(),
      "http://127.0.0.1:8081/oauth/authorize?response_type=code&client_id=console" +
        "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8081%2Foauth%2Fcallback" +
        "&code_challenge=<CHALLENGE>&code_challenge_method=S256&state=<STATE>",
    );
  } finally {
    await sql.end();
    await db.drop();
  }
});

Deno.test("identity first start - the banner's URL, placeholders filled in, opens the sign-in form", async () => {
  await withIdentity(async (h) => {
    const url = signInHint(h.url, "console", CONSOLE_REDIRECT).split("\n")[1].trim()
      .replace(
        "<CHALLENGE>",
        await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      )
      .replace("<STATE>", oauth.generateRandomState());
    const form = await page(url);
    assert.equal(form.status, 200);
    assert.match(form.html, /<form method="post"/);
  });
});

Deno.test("identity first start - error pages say what is missing: client_id, or redirect_uri of a client with several", async () => {
  await withIdentity(async (h) => {
    const bare = await page(h.as.authorization_endpoint!);
    assert.equal(bare.status, 400);
    assert.match(bare.html, /data-code="invalid_request"/);
    assert.match(bare.html, /no client_id/);
    const noRedirect = await page(
      `${h.as.authorization_endpoint}?response_type=code&client_id=webapp`,
    );
    assert.equal(noRedirect.status, 400);
    assert.equal(noRedirect.location, null);
    assert.match(noRedirect.html, /no redirect_uri/);
    assert.doesNotMatch(noRedirect.html, /unknown/);
  });
});

Deno.test("identity first start - a client registered with a bad redirect URI before the check is still never redirected to", async () => {
  await withIdentity(async (h) => {
    await new ClientStore(h.sql).create({
      clientId: "legacy",
      tenant: "acme",
      name: "Legacy",
      secretHash: null,
      redirectUris: ["javascript:alert(1)", "http://portal.example/cb"],
      grantTypes: ["authorization_code"],
      scopes: ["tickets"],
      role: null,
    });
    for (const uri of ["javascript:alert(1)", "http://portal.example/cb"]) {
      const params = new URLSearchParams({
        response_type: "code",
        client_id: "legacy",
        redirect_uri: uri,
      });
      const refused = await page(`${h.as.authorization_endpoint}?${params}`);
      assert.equal(refused.status, 400);
      assert.equal(refused.location, null);
      assert.match(refused.html, /data-code="invalid_redirect_uri"/);
    }
  });
});

Deno.test("identity first start - a bad TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS stops the start with a ConfigError", async () => {
  await assert.rejects(
    () => startIdentityHarness({ TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS: "javascript:alert(1)" }),
    (error: Error) =>
      error instanceof ConfigError &&
      /TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS/.test(error.message),
  );
});

async function admin(args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "services/identity/tools/admin.ts", ...args],
    env: { DATABASE_URL: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  return { code: output.code, stdout: text(output.stdout), stderr: text(output.stderr) };
}

Deno.test("identity first start - identity:admin refuses a script or plain-http redirect URI with exit code 2", async () => {
  for (
    const [uri, reason] of [
      ["javascript:alert(1)", /must be https:/],
      ["http://portal.example/cb", /http: only on a loopback host/],
      ["https://portal.example/cb#x", /fragment/],
    ] as const
  ) {
    const run = await admin([
      "add-client",
      "--tenant",
      "demo",
      "--client-id",
      "portal",
      "--public",
      "--redirect-uri",
      uri,
    ]);
    assert.equal(run.code, 2, uri);
    assert.equal(run.stderr.split("\n").length, 1, run.stderr);
    assert.match(run.stderr, /^identity:admin: --redirect-uri ".+" is refused: it /);
    assert.match(run.stderr, reason);
  }
});

Deno.test("identity first start - identity:admin errors are one line: an unknown flag (2), no database (1); a good client is added", async () => {
  const flag = await admin(["add-client", "--tenant", "demo", "--bogus"]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /^identity:admin: Unknown option '--bogus'.*--help for usage\)$/);
  const setting = await admin(["add-user", "--tenant", "demo"], { TICKETD_SCRYPT_LOG_N: "3" });
  assert.equal(setting.code, 2);
  assert.equal(
    setting.stderr,
    'identity:admin: TICKETD_SCRYPT_LOG_N must be an integer in 12..20, got "3"',
  );
  const offline = await admin(
    ["add-user", "--tenant", "demo", "--username", "alice", "--role", "agent"],
    { DATABASE_URL: "postgres://ticketd:x@127.0.0.1:1/none" },
  );
  assert.equal(offline.code, 1);
  assert.equal(
    offline.stderr,
    "identity:admin: the database (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:1",
  );
  const db = await createTestDatabase();
  try {
    const added = await admin([
      "add-client",
      "--tenant",
      "demo",
      "--client-id",
      "portal",
      "--public",
      "--redirect-uri",
      "https://portal.example/callback",
      "--redirect-uri",
      "http://127.0.0.1:5173/callback",
    ], { DATABASE_URL: db.url, TICKETD_SCRYPT_LOG_N: "12" });
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /client "portal" in tenant "demo"/);
  } finally {
    await db.drop();
  }
});

Deno.test("identity first start - the console's default callback works on a plain-http issuer that is not loopback (the form is there too)", async () => {
  const db = await createTestDatabase();
  const sql = postgres(db.url, { max: 2, transform: postgres.camel, onnotice: () => {} });
  const nats = await startTestNats();
  const nc = await connect({ servers: nats.url });
  const running = await startIdentity({
    TICKETD_IDENTITY_PORT: "0",
    TICKETD_IDENTITY_ISSUER: "http://ticketd.lan:8081",
    TICKETD_IDENTITY_BOOTSTRAP_PASSWORD: "correct horse battery",
    TICKETD_DATA_DIR: await Deno.makeTempDir(),
    TICKETD_LOG_LEVEL: "error",
  }, { sql, nc });
  try {
    const params = new URLSearchParams({
      response_type: "code",
      client_id: "console",
      redirect_uri: "http://ticketd.lan:8081/oauth/callback",
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: "S256",
    });
    const form = await page(`${running.url}/oauth/authorize?${params}`);
    assert.equal(form.status, 200, form.html);
  } finally {
    await running.stop();
    await sql.end();
    await db.drop();
    await nc.close();
    await nats.stop();
  }
});
