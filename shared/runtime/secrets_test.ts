import assert from "node:assert/strict";
import { generateKeyringFile } from "../crypto/keyring.ts";
import { createLogger } from "../log/logger.ts";
import { generateSm2Jwk, signSm2Jwt } from "../http/jws_sm2.ts";
import { loadKeyring, loadVerification } from "./secrets.ts";

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

Deno.test("loadKeyring - TICKETD_KEYRING carries the keyring itself; a broken one names the setting only", async () => {
  const log = createLogger("error");
  const file = generateKeyringFile();
  const jwt = { audience: "ticketd" };
  const keyring = await loadKeyring({
    dataDir: "/nonexistent",
    keyringJson: JSON.stringify(file),
    jwt,
  }, log);
  assert.deepEqual([...keyring.keks.keys()], ["k1", "g1"]);
  const secret = JSON.stringify({ ...file, searchKey: "c2hvcnQ=" });
  await assert.rejects(
    loadKeyring({ dataDir: "/nonexistent", keyringJson: secret, jwt }, log),
    (error: Error) => {
      assert.match(error.message, /^TICKETD_KEYRING: The searchKey must be 32 bytes/);
      assert.ok(!error.message.includes(JSON.stringify(file.keys.k1)), "no key in the message");
      return true;
    },
  );
  await assert.rejects(
    loadKeyring({ dataDir: "/nonexistent", keyringJson: "{not json", jwt }, log),
    /TICKETD_KEYRING: the keyring is not valid JSON/,
  );
});
