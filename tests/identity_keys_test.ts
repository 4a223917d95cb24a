/**
 * Signing keys of the identity service end to end: ES256 and SM2 by setting, and a keys file
 * with overlapping kids whose old public key stays in the JWKS until retired. Tokens are checked
 * with the verifier the tickets service uses, against the published JWKS URL.
 * @module
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import { createVerifier } from "@ticketd/shared/http/auth.ts";
import { generateSigningKey } from "../services/identity/signing/signer.ts";
import { INSECURE, SECRET, startIdentityHarness } from "./support/identity_harness.ts";

async function integrationToken(env: Record<string, string>) {
  const h = await startIdentityHarness(env);
  try {
    const client = { client_id: "integration" };
    const response = await oauth.clientCredentialsGrantRequest(
      h.as,
      client,
      oauth.ClientSecretBasic(SECRET),
      {},
      INSECURE,
    );
    const tokens = await oauth.processClientCredentialsResponse(h.as, client, response);
    const jwks = await (await fetch(h.as.jwks_uri!)).json();
    const verify = createVerifier({
      issuer: h.as.issuer,
      audience: "ticketd",
      jwksUrl: h.as.jwks_uri,
    });
    return { token: tokens.access_token, jwks, principal: await verify(tokens.access_token) };
  } finally {
    await h.stop();
  }
}

const header = (token: string) =>
  JSON.parse(atob(token.split(".")[0].replaceAll("-", "+").replaceAll("_", "/")));

for (const alg of ["ES256", "SM2"]) {
  Deno.test(`identity keys - TICKETD_SIGNING_ALG=${alg} signs tokens the tickets verifier accepts`, async () => {
    const { token, jwks, principal } = await integrationToken({ TICKETD_SIGNING_ALG: alg });
    assert.equal(header(token).alg, alg);
    assert.equal(jwks.keys[0].alg, alg);
    assert.equal(principal.id, "integration");
  });
}

Deno.test("identity keys - a keys file publishes every key not retired and signs with the active one", async () => {
  const [old, current, retired] = await Promise.all([
    generateSigningKey("EdDSA", "2026-01"),
    generateSigningKey("ES256", "2026-06"),
    generateSigningKey("EdDSA", "2025-06"),
  ]);
  const file = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(
    file,
    JSON.stringify({ active: "2026-06", keys: [old, current, { ...retired, retired: true }] }),
  );
  const { token, jwks } = await integrationToken({ TICKETD_SIGNING_KEYS_FILE: file });
  assert.deepEqual(header(token).kid, "2026-06");
  assert.deepEqual(jwks.keys.map((k: { kid: string }) => k.kid), ["2026-01", "2026-06"]);
  assert.ok(jwks.keys.every((k: Record<string, unknown>) => !("d" in k)));
});
