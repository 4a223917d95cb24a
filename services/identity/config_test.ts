import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";

Deno.test("loadConfig - defaults: port 8081, 15 min access, 30 day refresh, 60 s codes, 5 failures lock 15 min", () => {
  const config = loadConfig({});
  assert.equal(config.port, 8081);
  assert.equal(config.issuer, undefined);
  assert.equal(config.audience, "ticketd");
  assert.equal(config.signingAlg, "EdDSA");
  assert.deepEqual(config.ttl, { accessSeconds: 900, refreshSeconds: 2_592_000, codeSeconds: 60 });
  assert.deepEqual(config.lockout, { maxFailures: 5, lockoutMs: 900_000 });
  assert.deepEqual(config.scrypt, { logN: 14, r: 8, p: 1 });
  assert.equal(config.rateLimits.trustForwardedFor, false);
});

Deno.test("loadConfig - rate limits are a burst and a per-minute refill", () => {
  const config = loadConfig({
    TICKETD_IDENTITY_RATE_LOGIN_BURST: "3",
    TICKETD_IDENTITY_RATE_LOGIN_PER_MINUTE: "6",
  });
  assert.deepEqual(config.rateLimits.login, { capacity: 3, refillPerSecond: 0.1 });
});

Deno.test("loadConfig - the issuer is an origin; a path, a query or another scheme is refused", () => {
  assert.equal(
    loadConfig({ TICKETD_IDENTITY_ISSUER: "https://id.example/" }).issuer,
    "https://id.example",
  );
  for (
    const bad of ["https://id.example/auth", "https://id.example?x=1", "ftp://id.example", "nope"]
  ) {
    assert.throws(() => loadConfig({ TICKETD_IDENTITY_ISSUER: bad }), ConfigError);
  }
});

Deno.test("loadConfig - malformed settings name themselves", () => {
  assert.throws(() => loadConfig({ TICKETD_SIGNING_ALG: "HS256" }), /TICKETD_SIGNING_ALG/);
  assert.throws(() => loadConfig({ TICKETD_SCRYPT_LOG_N: "8" }), /TICKETD_SCRYPT_LOG_N/);
  assert.throws(
    () => loadConfig({ TICKETD_LOGIN_MAX_FAILURES: "0" }),
    /TICKETD_LOGIN_MAX_FAILURES/,
  );
  assert.throws(
    () => loadConfig({ TICKETD_TRUST_FORWARDED_FOR: "yes" }),
    /TICKETD_TRUST_FORWARDED_FOR/,
  );
  assert.throws(() => loadConfig({ TICKETD_IDENTITY_BOOTSTRAP_TENANT: "A B" }), /BOOTSTRAP_TENANT/);
});

Deno.test("loadConfig - the first client's redirect URIs follow the add-client rule", () => {
  assert.deepEqual(
    loadConfig({
      TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS:
        " https://console.example/cb  http://[::1]:5173/cb ",
    }).bootstrap.redirectUris,
    ["https://console.example/cb", "http://[::1]:5173/cb"],
  );
  assert.equal(loadConfig({}).bootstrap.redirectUris, undefined, "default: the issuer's callback");
  for (const bad of ["javascript:alert(1)", "https://ok.example/cb http://lan.example/cb"]) {
    assert.throws(
      () => loadConfig({ TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS: bad }),
      (error: Error) =>
        error instanceof ConfigError &&
        /^TICKETD_IDENTITY_BOOTSTRAP_REDIRECT_URIS: ".+" is refused: it /.test(error.message),
    );
  }
});
