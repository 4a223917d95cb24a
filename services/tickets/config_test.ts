import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";

Deno.test("loadConfig - an empty environment gives working defaults for one machine", () => {
  const config = loadConfig({});
  assert.equal(config.port, 8080);
  assert.equal(config.natsUrl, undefined);
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.limits.maxRequestBytes, 1_048_576);
  assert.equal(config.stream.duplicateWindowMs, 3_600_000);
});

Deno.test("loadConfig - settings come from the environment", () => {
  const config = loadConfig({
    TICKETD_PORT: "9000",
    NATS_URL: "nats://n:4222",
    TICKETD_MAX_BODY_CHARS: "10",
    TICKETD_DUPLICATE_WINDOW_SECONDS: "60",
  });
  assert.equal(config.port, 9000);
  assert.equal(config.natsUrl, "nats://n:4222");
  assert.equal(config.limits.maxBodyChars, 10);
  assert.equal(config.stream.duplicateWindowMs, 60_000);
});

Deno.test("loadConfig - a malformed number names the setting", () => {
  assert.throws(() => loadConfig({ TICKETD_MAX_TAGS: "lots" }), /TICKETD_MAX_TAGS/);
  assert.throws(() => loadConfig({ TICKETD_LOG_LEVEL: "chatty" }), /TICKETD_LOG_LEVEL/);
});

Deno.test("loadConfig - TICKETD_JWT_ALGORITHMS narrows the token algorithms; unknown names are refused", () => {
  assert.equal(loadConfig({}).jwt.algorithms, undefined);
  assert.deepEqual(loadConfig({ TICKETD_JWT_ALGORITHMS: "SM2, ES256" }).jwt.algorithms, [
    "SM2",
    "ES256",
  ]);
  assert.throws(() => loadConfig({ TICKETD_JWT_ALGORITHMS: "HS256" }), /TICKETD_JWT_ALGORITHMS/);
  assert.throws(() => loadConfig({ TICKETD_JWT_ALGORITHMS: "none" }), /TICKETD_JWT_ALGORITHMS/);
});

Deno.test("loadConfig - an identity provider's keys without TICKETD_JWT_ISSUER are refused", () => {
  const url = "https://idp.example/realms/acme/protocol/openid-connect/certs";
  assert.throws(() => loadConfig({ TICKETD_JWKS_URL: url }), /TICKETD_JWT_ISSUER/);
  assert.throws(() => loadConfig({ TICKETD_JWT_PUBLIC_JWKS: '{"keys":[]}' }), /TICKETD_JWT_ISSUER/);
  const issuer = "https://idp.example/realms/acme";
  const config = loadConfig({ TICKETD_JWKS_URL: url, TICKETD_JWT_ISSUER: issuer });
  assert.equal(config.jwt.issuer, issuer);
  assert.equal(config.jwt.jwksUrl, url);
});

Deno.test("loadConfig - TICKETS replicas are kept as they are unless set, and JetStream's 1..5", () => {
  assert.equal(loadConfig({}).stream.replicas, undefined);
  assert.equal(loadConfig({ TICKETD_STREAM_REPLICAS: "3" }).stream.replicas, 3);
  assert.throws(() => loadConfig({ TICKETD_STREAM_REPLICAS: "7" }), /TICKETD_STREAM_REPLICAS/);
});
