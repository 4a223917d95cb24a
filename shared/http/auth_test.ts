import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, importJWK, SignJWT } from "jose";
import { createVerifier, verifierByIssuer } from "./auth.ts";
import { DEV_AUDIENCE, DEV_ISSUER, loadOrCreateDevKeys, mintDevToken } from "./dev_keys.ts";

async function devSetup() {
  const dir = await Deno.makeTempDir();
  const keys = await loadOrCreateDevKeys(dir);
  const verify = createVerifier({
    audience: DEV_AUDIENCE,
    issuer: DEV_ISSUER,
    jwks: { keys: [keys.publicJwk] },
  });
  return { dir, keys, verify };
}

Deno.test("createVerifier - a dev token yields its subject, tenant and role", async () => {
  const { keys, verify } = await devSetup();
  const token = await mintDevToken(keys, { sub: "u1", tenant: "acme", role: "agent" });
  assert.deepEqual(await verify(token), { id: "u1", role: "agent", tenant: "acme", groups: [] });
});

Deno.test("createVerifier - the strongest known role of several wins", async () => {
  const { keys, verify } = await devSetup();
  const { importJWK } = await import("jose");
  const token = await new SignJWT({ tenant: "acme", roles: ["customer", "admin", "wizard"] })
    .setProtectedHeader({ alg: "EdDSA", kid: keys.privateJwk.kid })
    .setSubject("u").setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE).setExpirationTime("1h")
    .sign(await importJWK(keys.privateJwk, "EdDSA"));
  assert.equal((await verify(token)).role, "admin");
});

Deno.test("createVerifier - the groups claim becomes the principal's groups", async () => {
  const { keys, verify } = await devSetup();
  const token = await mintDevToken(keys, {
    sub: "u1",
    tenant: "acme",
    role: "agent",
    groups: ["billing", "go"],
  });
  assert.deepEqual((await verify(token)).groups, ["billing", "go"]);
});

Deno.test("createVerifier - a groups claim that is not a list of plain ids is refused", async () => {
  const { keys, verify } = await devSetup();
  for (const groups of ["billing", [42], ["a b"], ["x".repeat(129)]]) {
    const token = await new SignJWT({ tenant: "acme", roles: ["agent"], groups })
      .setProtectedHeader({ alg: "EdDSA", kid: keys.privateJwk.kid })
      .setSubject("u").setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE).setExpirationTime("1h")
      .sign(await importJWK(keys.privateJwk, "EdDSA"));
    await assert.rejects(verify(token), { code: "unauthorized" }, JSON.stringify(groups));
  }
});

Deno.test("createVerifier - a token signed by another key is refused", async () => {
  const { verify } = await devSetup();
  const other = await loadOrCreateDevKeys(await Deno.makeTempDir());
  const token = await mintDevToken(other, { sub: "u1", tenant: "acme", role: "admin" });
  await assert.rejects(verify(token), { code: "unauthorized" });
});

Deno.test("createVerifier - an expired token is refused", async () => {
  const { keys, verify } = await devSetup();
  const token = await mintDevToken(keys, {
    sub: "u1",
    tenant: "acme",
    role: "agent",
    ttlSeconds: -10,
  });
  await assert.rejects(verify(token), { code: "unauthorized" });
});

Deno.test("createVerifier - a tenant that is not a plain token is refused", async () => {
  const { keys, verify } = await devSetup();
  const token = await mintDevToken(keys, { sub: "u1", tenant: "acme.>", role: "agent" });
  await assert.rejects(verify(token), { code: "unauthorized" });
});

Deno.test("createVerifier - ES256 keys verify too", async () => {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "es", alg: "ES256" };
  const verify = createVerifier({ audience: "a", issuer: "i", jwks: { keys: [jwk] } });
  const token = await new SignJWT({ tenant: "t", roles: ["customer"] })
    .setProtectedHeader({ alg: "ES256", kid: "es" }).setSubject("c").setIssuer("i").setAudience("a")
    .setExpirationTime("1h").sign(privateKey);
  assert.deepEqual(await verify(token), { id: "c", role: "customer", tenant: "t", groups: [] });
});

Deno.test("loadOrCreateDevKeys - the key survives a restart", async () => {
  const { dir, keys } = await devSetup();
  assert.deepEqual(await loadOrCreateDevKeys(dir), keys);
});

Deno.test("createVerifier - a remembered token is still refused once it expires", async () => {
  const { keys, verify } = await devSetup();
  // Expired 3 s ago: inside the 5 s clock tolerance, so accepted, but never cached past that.
  const token = await mintDevToken(keys, {
    sub: "u1",
    tenant: "acme",
    role: "agent",
    ttlSeconds: -3,
  });
  assert.equal((await verify(token)).id, "u1");
  assert.equal((await verify(token)).id, "u1");
  await new Promise((resolve) => setTimeout(resolve, 3_200));
  await assert.rejects(verify(token), { code: "unauthorized" });
});

Deno.test("createVerifier - tokens without an expiry, or issued in the future, are refused", async () => {
  const { keys, verify } = await devSetup();
  const key = await importJWK(keys.privateJwk, "EdDSA");
  const base = () =>
    new SignJWT({ tenant: "acme", roles: ["agent"] }).setProtectedHeader({
      alg: "EdDSA",
      kid: keys.privateJwk.kid,
    })
      .setSubject("u").setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE);
  await assert.rejects(verify(await base().sign(key)), { code: "unauthorized" });
  const future = Math.floor(Date.now() / 1000) + 365 * 86400;
  await assert.rejects(
    verify(await base().setIssuedAt(future).setExpirationTime(future + 60).sign(key)),
    {
      code: "unauthorized",
    },
  );
});

Deno.test("createVerifier - a subject with control characters is refused", async () => {
  const { keys, verify } = await devSetup();
  const token = await mintDevToken(keys, { sub: "u\u0000", tenant: "acme", role: "agent" });
  await assert.rejects(verify(token), { code: "unauthorized" });
});

Deno.test("createVerifier - keys fetched from a JWKS URL verify tokens, and a rolled-over key is found", async () => {
  const first = await loadOrCreateDevKeys(await Deno.makeTempDir());
  const second = await loadOrCreateDevKeys(await Deno.makeTempDir());
  let published = [first.publicJwk];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.json({ keys: published }),
  );
  try {
    const verify = createVerifier({
      audience: DEV_AUDIENCE,
      issuer: DEV_ISSUER,
      jwksUrl: `http://127.0.0.1:${server.addr.port}/jwks.json`,
      jwksCooldownMs: 0,
    });
    const claims = { sub: "u1", tenant: "acme", role: "agent" } as const;
    assert.equal((await verify(await mintDevToken(first, claims))).id, "u1");
    published = [first.publicJwk, second.publicJwk]; // the provider rolls a new key in
    assert.equal((await verify(await mintDevToken(second, claims))).id, "u1");
  } finally {
    await server.shutdown();
  }
});

Deno.test("createVerifier - a service may name its own roles; the strongest of them wins", async () => {
  const { keys } = await devSetup();
  const verify = createVerifier({
    audience: DEV_AUDIENCE,
    issuer: DEV_ISSUER,
    jwks: { keys: [keys.publicJwk] },
    roles: ["customer", "agent", "supervisor", "admin"] as const,
  });
  const token = await new SignJWT({ tenant: "acme", roles: ["supervisor", "agent"] })
    .setProtectedHeader({ alg: "EdDSA", kid: keys.privateJwk.kid })
    .setSubject("u").setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE).setExpirationTime("1h")
    .sign(await importJWK(keys.privateJwk, "EdDSA"));
  assert.equal((await verify(token)).role, "supervisor");
  const { verify: ticketsVerify } = await devSetup();
  await assert.rejects(ticketsVerify(token), { code: "unauthorized" });
});

Deno.test("verifierByIssuer - each token goes to its issuer's verifier, the rest to the fallback", async () => {
  const dev = await devSetup();
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "id1", alg: "EdDSA" };
  const identity = createVerifier({
    audience: DEV_AUDIENCE,
    issuer: "https://id.example",
    jwks: { keys: [jwk] },
  });
  const verify = verifierByIssuer({ "https://id.example": identity }, dev.verify);
  const sign = (iss: string, exp: string) =>
    new SignJWT({ tenant: "acme", roles: ["agent"] }).setProtectedHeader({
      alg: "EdDSA",
      kid: "id1",
    })
      .setSubject("u9").setIssuer(iss).setAudience(DEV_AUDIENCE).setExpirationTime(exp).sign(
        privateKey,
      );
  assert.equal((await verify(await sign("https://id.example", "1h"))).id, "u9");
  const devToken = await mintDevToken(dev.keys, { sub: "u2", tenant: "acme", role: "agent" });
  assert.equal((await verify(devToken)).id, "u2");
  await assert.rejects(
    verify(await sign("https://id.example", "-1m")),
    (e: Error) => /exp/i.test(e.message),
  );
  await assert.rejects(verify("not.a.token"), { code: "unauthorized" });
});

Deno.test("createVerifier - a token whose scope lacks the service's is 403 insufficient_scope", async () => {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "s1", alg: "EdDSA", use: "sig" };
  const mint = (claims: Record<string, unknown>) =>
    new SignJWT({ tenant: "acme", roles: ["agent"], ...claims })
      .setProtectedHeader({ alg: "EdDSA", kid: "s1" })
      .setSubject("alice").setIssuer("https://id.test").setAudience("ticketd")
      .setExpirationTime("5m").sign(privateKey);
  const config = { issuer: "https://id.test", audience: "ticketd", jwks: { keys: [jwk] } };
  const verify = createVerifier({ ...config, scope: "tickets" });
  assert.equal((await verify(await mint({ scope: "users tickets" }))).id, "alice");
  assert.equal((await verify(await mint({}))).id, "alice", "no scope claim: not restricted");
  await assert.rejects(verify(await mint({ scope: "users" })), {
    code: "insufficient_scope",
    status: 403,
  });
  const strict = createVerifier({ ...config, scope: "tickets", scopeRequired: true });
  await assert.rejects(strict(await mint({})), { code: "insufficient_scope" });
});
