import assert from "node:assert/strict";
import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from "jose";
import { decodeBase64UrlStrict, encodeBase64Url } from "../crypto/base64.ts";
import { DomainError } from "../errors.ts";
import { createVerifier, type Verifier } from "./auth.ts";
import { generateSm2Jwk, signSm2Jwt } from "./jws_sm2.ts";

const ISSUER = "https://idp.example/realms/acme";
const AUDIENCE = "ticketd";
const now = () => Math.floor(Date.now() / 1000);
const good = () => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: "u1",
  tenant: "acme",
  roles: ["agent"],
  iat: now(),
  exp: now() + 600,
});
type Claims = Record<string, unknown>;

/** One key per algorithm, each published with a kid, plus signers for each. */
async function setup() {
  const ed = await generateKeyPair("EdDSA", { extractable: true });
  const es = await generateKeyPair("ES256", { extractable: true });
  const sm = generateSm2Jwk("sm");
  const edJwk = { ...(await exportJWK(ed.publicKey)), kid: "ed", alg: "EdDSA", use: "sig" };
  const esJwk = { ...(await exportJWK(es.publicKey)), kid: "es", alg: "ES256", use: "sig" };
  const jwks = { keys: [edJwk, esJwk, sm.publicJwk] as unknown[] };
  const jose = (key: CryptoKey, alg: string, kid?: string) => (claims: Claims) =>
    new SignJWT(claims).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).sign(key);
  const sign = {
    EdDSA: jose(ed.privateKey, "EdDSA", "ed"),
    ES256: jose(es.privateKey, "ES256", "es"),
    SM2: (claims: Claims) =>
      Promise.resolve(signSm2Jwt(claims, { kid: "sm", privateJwk: sm.privateJwk })),
  };
  const verify = createVerifier({ audience: AUDIENCE, issuer: ISSUER, jwks });
  return { ed, es, sm, edJwk, esJwk, jwks, sign, verify };
}

/** A 401 `unauthorized` whose message does not repeat the token or any part of it. */
async function assertRefused(verify: Verifier, token: string) {
  const error = await verify(token).then(() => undefined, (e) => e);
  assert.ok(error instanceof DomainError, `expected a refusal, got ${error}`);
  assert.equal(error.code, "unauthorized");
  assert.equal(error.status, 401);
  for (const part of token.split(".").filter((p) => p.length >= 8)) {
    assert.ok(!error.message.includes(part), `the message echoes the token: ${error.message}`);
  }
}

const segment = (value: unknown) =>
  encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)));

Deno.test("createVerifier - EdDSA, ES256 and SM2 tokens all verify against one key set", async () => {
  const { sign, verify } = await setup();
  for (const alg of ["EdDSA", "ES256", "SM2"] as const) {
    assert.deepEqual(await verify(await sign[alg](good())), {
      id: "u1",
      role: "agent",
      tenant: "acme",
      groups: [],
    }, alg);
  }
});

Deno.test("createVerifier - an unsigned token (alg none) is refused", async () => {
  const { verify } = await setup();
  await assertRefused(verify, `${segment({ alg: "none", kid: "ed" })}.${segment(good())}.`);
  await assertRefused(verify, `${segment({ alg: "none" })}.${segment(good())}.`);
});

Deno.test("createVerifier - an HS256 token keyed with the public key's bytes, JWK or PEM is refused", async () => {
  const { es, esJwk, edJwk, verify } = await setup();
  const secrets = [
    new TextEncoder().encode(JSON.stringify(esJwk)),
    new TextEncoder().encode(JSON.stringify(edJwk)),
    new TextEncoder().encode(await exportSPKI(es.publicKey)),
    decodeBase64UrlStrict(edJwk.x!),
  ];
  for (const secret of secrets) {
    for (const kid of ["es", "ed", undefined]) {
      const token = await new SignJWT(good()).setProtectedHeader({
        alg: "HS256",
        ...(kid ? { kid } : {}),
      })
        .sign(secret);
      await assertRefused(verify, token);
    }
  }
});

Deno.test("createVerifier - an ES256 header naming the EdDSA key is refused", async () => {
  const { es, verify } = await setup();
  const token = await new SignJWT(good()).setProtectedHeader({ alg: "ES256", kid: "ed" })
    .sign(es.privateKey);
  await assertRefused(verify, token);
});

Deno.test("createVerifier - an SM2 header naming the EdDSA key is refused", async () => {
  const { sm, verify } = await setup();
  await assertRefused(verify, signSm2Jwt(good(), { kid: "ed", privateJwk: sm.privateJwk }));
});

Deno.test("createVerifier - a kid the key set does not hold is refused", async () => {
  const { sm, verify } = await setup();
  const stranger = generateSm2Jwk("nobody");
  await assertRefused(
    verify,
    signSm2Jwt(good(), { kid: "nobody", privateJwk: stranger.privateJwk }),
  );
  await assertRefused(verify, signSm2Jwt(good(), { kid: "nobody", privateJwk: sm.privateJwk }));
});

Deno.test("createVerifier - a token without a kid is refused when the set has several keys", async () => {
  const { ed, verify } = await setup();
  const token = await new SignJWT(good()).setProtectedHeader({ alg: "EdDSA" }).sign(ed.privateKey);
  await assertRefused(verify, token);
});

Deno.test("createVerifier - a token without a kid verifies when the set has a single key", async () => {
  const { ed, edJwk } = await setup();
  const verify = createVerifier({ audience: AUDIENCE, issuer: ISSUER, jwks: { keys: [edJwk] } });
  const token = await new SignJWT(good()).setProtectedHeader({ alg: "EdDSA" }).sign(ed.privateKey);
  assert.equal((await verify(token)).id, "u1");
});

const badClaims: [string, (claims: Claims) => Claims][] = [
  ["no iss", ({ iss: _, ...rest }) => rest],
  ["another iss", (c) => ({ ...c, iss: "https://evil.example" })],
  ["no aud", ({ aud: _, ...rest }) => rest],
  ["another aud", (c) => ({ ...c, aud: ["other-service"] })],
  ["no exp", ({ exp: _, ...rest }) => rest],
  ["expired beyond the 5 s tolerance", (c) => ({ ...c, exp: now() - 6 })],
  ["nbf in the future", (c) => ({ ...c, nbf: now() + 60 })],
  ["iat in the future", (c) => ({ ...c, iat: now() + 60 })],
  ["exp as text", (c) => ({ ...c, exp: String(now() + 600) })],
];

for (const [what, change] of badClaims) {
  Deno.test(`createVerifier - a token with ${what} is refused, whatever its algorithm`, async () => {
    const { sign, verify } = await setup();
    for (const alg of ["EdDSA", "ES256", "SM2"] as const) {
      await assertRefused(verify, await sign[alg](change(good())));
    }
  });
}

Deno.test("createVerifier - the 5 s clock tolerance applies to exp, nbf and iat alike", async () => {
  const { sign, verify } = await setup();
  const skewed = { ...good(), exp: now() - 3, nbf: now() + 3, iat: now() + 3 };
  for (const alg of ["EdDSA", "ES256", "SM2"] as const) {
    assert.equal((await verify(await sign[alg](skewed))).id, "u1", alg);
  }
});

Deno.test("createVerifier - an audience list that includes ours is accepted", async () => {
  const { sign, verify } = await setup();
  assert.equal((await verify(await sign.SM2({ ...good(), aud: ["x", AUDIENCE] }))).id, "u1");
});

Deno.test("createVerifier - a tampered payload is refused, whatever its algorithm", async () => {
  const { sign, verify } = await setup();
  for (const alg of ["EdDSA", "ES256", "SM2"] as const) {
    const [header, , signature] = (await sign[alg](good())).split(".");
    const forged = segment({ ...good(), roles: ["admin"] });
    await assertRefused(verify, `${header}.${forged}.${signature}`);
  }
});

Deno.test("createVerifier - a malformed SM2 signature is a 401, not a 500", async () => {
  const { sign, verify } = await setup();
  const [header, payload, signature] = (await sign.SM2(good())).split(".");
  const raw = decodeBase64UrlStrict(signature);
  const bad = [raw.slice(0, 32), new Uint8Array([...raw, 1]), new Uint8Array(64).fill(255)];
  for (const bytes of bad) {
    await assertRefused(verify, `${header}.${payload}.${encodeBase64Url(bytes)}`);
  }
  await assertRefused(verify, `${header}.${payload}.not*base64`);
});

Deno.test("createVerifier - a JWK published for encryption (use enc) is not used for signatures", async () => {
  const { sm } = await setup();
  const verify = createVerifier({
    audience: AUDIENCE,
    issuer: ISSUER,
    jwks: { keys: [{ ...sm.publicJwk, use: "enc" }] },
  });
  await assertRefused(verify, signSm2Jwt(good(), { kid: "sm", privateJwk: sm.privateJwk }));
});

Deno.test("createVerifier - a JWK whose alg disagrees with its curve is not used", async () => {
  const { ed, edJwk } = await setup();
  const verify = createVerifier({
    audience: AUDIENCE,
    issuer: ISSUER,
    jwks: { keys: [{ ...edJwk, alg: "ES256" } as JWK] },
  });
  const token = await new SignJWT(good()).setProtectedHeader({ alg: "EdDSA", kid: "ed" })
    .sign(ed.privateKey);
  await assertRefused(verify, token);
});

Deno.test("createVerifier - a token with critical header parameters is refused", async () => {
  const { sm, verify } = await setup();
  const header = segment({ alg: "SM2", kid: "sm", crit: ["b64"], b64: false });
  const token = signSm2Jwt(good(), { kid: "sm", privateJwk: sm.privateJwk });
  await assertRefused(verify, `${header}.${token.split(".").slice(1).join(".")}`);
});

Deno.test("createVerifier - a narrowed algorithm list refuses the others", async () => {
  const { jwks, sign } = await setup();
  const verify = createVerifier({ audience: AUDIENCE, issuer: ISSUER, jwks, algorithms: ["SM2"] });
  assert.equal((await verify(await sign.SM2(good()))).id, "u1");
  await assertRefused(verify, await sign.EdDSA(good()));
  await assertRefused(verify, await sign.ES256(good()));
});

Deno.test("createVerifier - refused tokens do not disturb a remembered good one", async () => {
  const { sign, verify } = await setup();
  const token = await sign.SM2(good());
  assert.equal((await verify(token)).id, "u1");
  const [header, payload] = token.split(".");
  for (let i = 0; i < 50; i++) {
    await assertRefused(
      verify,
      `${header}.${payload}.${encodeBase64Url(new Uint8Array(64).fill(i + 1))}`,
    );
  }
  assert.equal((await verify(token)).id, "u1");
});
