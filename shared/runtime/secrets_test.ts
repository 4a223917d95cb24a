import assert from "node:assert/strict";
import { generateSm2Jwk, signSm2Jwt } from "../http/jws_sm2.ts";
import { loadVerification } from "./secrets.ts";

Deno.test("loadVerification - configured keys without an issuer are refused", async () => {
  const { publicJwk } = generateSm2Jwk("k1");
  const publicJwks = JSON.stringify({ keys: [publicJwk] });
  await assert.rejects(
    loadVerification({ dataDir: "unused", jwt: { audience: "ticketd", publicJwks } }),
    /TICKETD_JWT_ISSUER/,
  );
});

Deno.test("loadVerification - configured keys and algorithms verify an identity provider's token", async () => {
  const { privateJwk, publicJwk } = generateSm2Jwk("k1");
  const { verify, devKeys } = await loadVerification({
    dataDir: "unused",
    jwt: {
      audience: "ticketd",
      issuer: "https://idp.example",
      publicJwks: JSON.stringify({ keys: [publicJwk] }),
      algorithms: ["SM2"],
    },
  });
  assert.equal(devKeys, undefined);
  const now = Math.floor(Date.now() / 1000);
  const token = signSm2Jwt({
    iss: "https://idp.example",
    aud: "ticketd",
    sub: "u1",
    tenant: "acme",
    roles: ["agent"],
    exp: now + 60,
  }, { kid: "k1", privateJwk });
  assert.equal((await verify(token)).id, "u1");
});
