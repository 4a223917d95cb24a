import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { freePort } from "../runtime/free_port.ts";
import { type AuthConfig, createVerifier } from "./auth.ts";
import { generateSm2Jwk, signSm2Jwt } from "./jws_sm2.ts";

const ISSUER = "https://idp.example/realms/acme";
const AUDIENCE = "ticketd";
const claims = (sub = "u1") => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub,
  tenant: "acme",
  roles: ["agent"],
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 600,
});

/** A stand-in identity provider: serves `published` as its JWKS and counts the fetches. */
function identityProvider() {
  const idp = { published: [] as unknown[], hits: 0, url: "", status: 200 };
  const port = freePort();
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, (request) => {
    if (new URL(request.url).pathname !== "/certs") {
      return new Response("not found", { status: 404 });
    }
    idp.hits++;
    return idp.status === 200
      ? Response.json({ keys: idp.published })
      : new Response("down", { status: idp.status });
  });
  idp.url = `http://127.0.0.1:${port}/certs`;
  return { idp, close: () => server.shutdown() };
}

const verifierFor = (url: string, options: Partial<AuthConfig> = {}) =>
  createVerifier({ audience: AUDIENCE, issuer: ISSUER, jwksUrl: url, ...options });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("createVerifier - an identity provider's SM2 key rollover: k1, then k1+k2, then k2 only", async () => {
  const { idp, close } = identityProvider();
  try {
    const k1 = generateSm2Jwk("k1");
    const k2 = generateSm2Jwk("k2");
    const sign = (key: typeof k1, sub: string) =>
      signSm2Jwt(claims(sub), { kid: key.publicJwk.kid!, privateJwk: key.privateJwk });
    idp.published = [k1.publicJwk];
    const verify = verifierFor(idp.url, { jwksCooldownMs: 0, jwksMaxAgeMs: 200 });
    const cachedK1 = sign(k1, "a");
    assert.equal((await verify(cachedK1)).id, "a");
    assert.equal(idp.hits, 1);

    idp.published = [k1.publicJwk, k2.publicJwk]; // k2 rolled in; the set is still cached
    assert.equal((await verify(sign(k2, "b"))).id, "b"); // unknown kid: one refetch finds it
    assert.equal(idp.hits, 2);
    assert.equal((await verify(sign(k1, "c"))).id, "c"); // k1 still published
    assert.equal(idp.hits, 2);

    idp.published = [k2.publicJwk]; // k1 retired
    await sleep(250); // past the cache's max age
    await assert.rejects(verify(sign(k1, "d")), { code: "unauthorized", status: 401 });
    await assert.rejects(verify(cachedK1), { code: "unauthorized" }); // its key left: no cache
    assert.equal((await verify(sign(k2, "e"))).id, "e");
  } finally {
    await close();
  }
});

Deno.test("createVerifier - EdDSA and ES256 keys roll over through the same key set", async () => {
  const { idp, close } = identityProvider();
  try {
    const ed = await generateKeyPair("EdDSA", { extractable: true });
    const es = await generateKeyPair("ES256", { extractable: true });
    idp.published = [{ ...(await exportJWK(ed.publicKey)), kid: "ed1", alg: "EdDSA" }];
    const verify = verifierFor(idp.url, { jwksCooldownMs: 0 });
    const edToken = await new SignJWT(claims()).setProtectedHeader({ alg: "EdDSA", kid: "ed1" })
      .sign(ed.privateKey);
    assert.equal((await verify(edToken)).id, "u1");
    idp.published.push({ ...(await exportJWK(es.publicKey)), kid: "es2" }); // no alg: from crv
    const esToken = await new SignJWT(claims("u2")).setProtectedHeader({ alg: "ES256", kid: "es2" })
      .sign(es.privateKey);
    assert.equal((await verify(esToken)).id, "u2");
    assert.equal(idp.hits, 2);
  } finally {
    await close();
  }
});

Deno.test("createVerifier - a kid still unknown after the refetch is a 401", async () => {
  const { idp, close } = identityProvider();
  try {
    idp.published = [generateSm2Jwk("k1").publicJwk];
    const verify = verifierFor(idp.url, { jwksCooldownMs: 0 });
    const stranger = generateSm2Jwk("k9");
    const token = signSm2Jwt(claims(), { kid: "k9", privateJwk: stranger.privateJwk });
    await assert.rejects(verify(token), { code: "unauthorized", status: 401 });
    assert.equal(idp.hits, 2); // the first fetch, and one refetch for the unknown kid
  } finally {
    await close();
  }
});

Deno.test("createVerifier - the cooldown stops a flood of unknown-kid tokens from hammering the JWKS URL", async () => {
  const { idp, close } = identityProvider();
  try {
    const k1 = generateSm2Jwk("k1");
    idp.published = [k1.publicJwk];
    const verify = verifierFor(idp.url, { jwksCooldownMs: 60_000 });
    const flood = Array.from(
      { length: 200 },
      (_, i) => signSm2Jwt(claims(), { kid: `forged-${i}`, privateJwk: k1.privateJwk }),
    );
    const results = await Promise.allSettled(flood.map((token) => verify(token)));
    assert.ok(results.every((r) => r.status === "rejected" && r.reason.code === "unauthorized"));
    for (const token of flood.slice(0, 50)) {
      await assert.rejects(verify(token), { code: "unauthorized" });
    }
    assert.equal(idp.hits, 1);
    const good = signSm2Jwt(claims(), { kid: "k1", privateJwk: k1.privateJwk });
    assert.equal((await verify(good)).id, "u1"); // the flood did not lock out a good token
  } finally {
    await close();
  }
});

Deno.test("createVerifier - an unreachable JWKS URL is a 503, and known keys outlive an outage", async () => {
  const { idp, close } = identityProvider();
  try {
    const k1 = generateSm2Jwk("k1");
    idp.published = [k1.publicJwk];
    idp.status = 500;
    const verify = verifierFor(idp.url, { jwksCooldownMs: 0, jwksMaxAgeMs: 0 });
    const token = () => signSm2Jwt(claims(), { kid: "k1", privateJwk: k1.privateJwk });
    await assert.rejects(verify(token()), { code: "auth_unavailable", status: 503 });
    idp.status = 200;
    assert.equal((await verify(token())).id, "u1");
    idp.status = 500; // the provider goes down again: the keys fetched last still verify
    assert.equal((await verify(token())).id, "u1");
  } finally {
    await close();
  }
});

Deno.test("createVerifier - a refusal is not remembered: a token of a key published later verifies", async () => {
  const { idp, close } = identityProvider();
  try {
    const k1 = generateSm2Jwk("k1");
    const k2 = generateSm2Jwk("k2");
    idp.published = [k1.publicJwk];
    const verify = verifierFor(idp.url, { jwksCooldownMs: 100 });
    const early = signSm2Jwt(claims(), { kid: "k2", privateJwk: k2.privateJwk });
    await assert.rejects(verify(early), { code: "unauthorized" }); // k2 not published yet
    idp.published = [k1.publicJwk, k2.publicJwk];
    await sleep(150); // past the cooldown
    assert.equal((await verify(early)).id, "u1");
  } finally {
    await close();
  }
});
