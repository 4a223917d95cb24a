import assert from "node:assert/strict";
import { createVerifier } from "@ticketd/shared/http/auth.ts";
import { loadSigningKeys, parseKeysFile, signingKeys, SigningKeysError } from "./keys.ts";
import { generateSigningKey, type SigningAlg } from "./signer.ts";

const claims = (iss: string) => ({
  iss,
  aud: "ticketd",
  sub: "u1",
  tenant: "acme",
  roles: ["agent"],
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 60,
});

for (const alg of ["EdDSA", "ES256", "SM2"] as SigningAlg[]) {
  Deno.test(`signingKeys - a ${alg} token verifies with the published JWKS`, async () => {
    const key = await generateSigningKey(alg, `k-${alg}`);
    const keys = await signingKeys({ active: key.kid, keys: [key] });
    assert.equal(keys.jwks.keys[0].d, undefined, "no private member in the JWKS");
    const token = await keys.active.sign(claims("https://id.example"));
    const verify = createVerifier({
      issuer: "https://id.example",
      audience: "ticketd",
      jwks: keys.jwks,
    });
    assert.equal((await verify(token)).id, "u1");
  });
}

Deno.test("signingKeys - the JWKS holds every key not retired; the active one signs", async () => {
  const [old, current, retired] = await Promise.all(
    ["old", "current", "retired"].map((kid) => generateSigningKey("EdDSA", kid)),
  );
  const keys = await signingKeys({
    active: "current",
    keys: [old, current, { ...retired, retired: true }],
  });
  assert.deepEqual(keys.jwks.keys.map((k) => k.kid), ["old", "current"]);
  assert.equal(keys.active.kid, "current");
  const previous = await signingKeys({ active: "old", keys: [old] });
  const verify = createVerifier({
    issuer: "https://id.example",
    audience: "ticketd",
    jwks: keys.jwks,
  });
  assert.equal((await verify(await previous.active.sign(claims("https://id.example")))).id, "u1");
});

Deno.test("parseKeysFile - a retired or missing active key and duplicate kids are refused", async () => {
  const key = await generateSigningKey("EdDSA", "k1");
  assert.throws(
    () => parseKeysFile(JSON.stringify({ active: "k1", keys: [{ ...key, retired: true }] })),
    /not retired/,
  );
  assert.throws(() => parseKeysFile(JSON.stringify({ active: "k2", keys: [key] })), /present/);
  assert.throws(() => parseKeysFile(JSON.stringify({ active: "k1", keys: [key, key] })), /unique/);
  assert.throws(() => parseKeysFile("{"), /not JSON/);
});

Deno.test("loadSigningKeys - dev keys are made once in the data folder, private to the owner", async () => {
  const dataDir = await Deno.makeTempDir();
  const first = await loadSigningKeys({ dataDir, alg: "ES256" });
  assert.ok(first.created);
  assert.equal(await Deno.stat(first.created).then((s) => s.mode! & 0o777), 0o600);
  const second = await loadSigningKeys({ dataDir, alg: "ES256" });
  assert.equal(second.created, undefined);
  assert.equal(second.active.kid, first.active.kid);
  assert.equal(second.active.alg, "ES256");
});

Deno.test("loadSigningKeys - a missing or unreadable keys file is a SigningKeysError naming the setting", async () => {
  const dataDir = await Deno.makeTempDir();
  await assert.rejects(
    () => loadSigningKeys({ file: "/nonexistent.json", dataDir, alg: "EdDSA" }),
    (error: Error) =>
      error instanceof SigningKeysError &&
      error.message ===
        "TICKETD_SIGNING_KEYS_FILE (/nonexistent.json): cannot read the signing keys file: " +
          "no such file",
  );
  const broken = `${dataDir}/broken.json`;
  await Deno.writeTextFile(broken, "{");
  await assert.rejects(
    () => loadSigningKeys({ file: broken, dataDir, alg: "EdDSA" }),
    (error: Error) =>
      error instanceof SigningKeysError &&
      error.message === `TICKETD_SIGNING_KEYS_FILE (${broken}): The signing keys file is not JSON`,
  );
});

for (const alg of ["EdDSA", "ES256", "SM2"] as const) {
  Deno.test(`loadSigningKeys - a ${alg} key whose d is damaged or of another key stops the start with a SigningKeysError`, async () => {
    const dataDir = await Deno.makeTempDir();
    const [key, other] = await Promise.all([
      generateSigningKey(alg, "k1"),
      generateSigningKey(alg, "k2"),
    ]);
    const damaged = [
      { ...key, privateJwk: { ...key.privateJwk, d: "AAAA" } },
      { ...key, privateJwk: { ...key.privateJwk, d: other.privateJwk.d } },
    ];
    for (const bad of damaged) {
      const file = `${dataDir}/keys.json`;
      await Deno.writeTextFile(file, JSON.stringify({ active: "k1", keys: [bad] }));
      await assert.rejects(
        () => loadSigningKeys({ file, dataDir, alg }),
        (error: Error) =>
          error instanceof SigningKeysError &&
          error.message.startsWith(
            `TICKETD_SIGNING_KEYS_FILE (${file}): Key "k1" (${alg}): the key pair does not sign`,
          ),
      );
    }
  });
}
