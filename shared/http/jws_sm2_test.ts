import assert from "node:assert/strict";
import { sm2 } from "sm-crypto-v2";
import { decodeBase64UrlStrict, encodeBase64Url } from "../crypto/base64.ts";
import {
  generateSm2Jwk,
  signSm2Jwt,
  sm2JwkFromHex,
  sm2PrivateKeyHex,
  sm2PublicKeyHex,
  verifySm2Jws,
} from "./jws_sm2.ts";

const claims = { iss: "i", aud: "a", sub: "u", exp: 2_000_000_000 };

Deno.test("signSm2Jwt - the token verifies with its public JWK and yields its claims", () => {
  const { privateJwk, publicJwk } = generateSm2Jwk("k1");
  const token = signSm2Jwt(claims, { kid: "k1", privateJwk });
  assert.deepEqual(verifySm2Jws(token, publicJwk), claims);
  const header = JSON.parse(new TextDecoder().decode(decodeBase64UrlStrict(token.split(".")[0])));
  assert.deepEqual(header, { alg: "SM2", typ: "JWT", kid: "k1" });
});

Deno.test("signSm2Jwt - the signature is raw r||s of SM2/SM3 over Z_A||input with the default user id", () => {
  const { privateJwk, publicJwk } = generateSm2Jwk("k1");
  const token = signSm2Jwt(claims, { kid: "k1", privateJwk });
  const [header, payload, signature] = token.split(".");
  const raw = decodeBase64UrlStrict(signature);
  assert.equal(raw.length, 64);
  // Checked by the reference library directly, not through our wrapper.
  const input = new TextEncoder().encode(`${header}.${payload}`);
  const options = { hash: true, der: false, userId: "1234567812345678" };
  assert.ok(sm2.doVerifySignature(input, raw.toHex(), sm2PublicKeyHex(publicJwk), options));
  const otherId = { ...options, userId: "someone-else" };
  assert.ok(!sm2.doVerifySignature(input, raw.toHex(), sm2PublicKeyHex(publicJwk), otherId));
});

Deno.test("verifySm2Jws - a token signed by another SM2 key is refused", () => {
  const { privateJwk } = generateSm2Jwk("k1");
  const other = generateSm2Jwk("k1").publicJwk;
  const token = signSm2Jwt(claims, { kid: "k1", privateJwk });
  assert.throws(() => verifySm2Jws(token, other), { code: "unauthorized", status: 401 });
});

Deno.test("verifySm2Jws - signatures of the wrong length or encoding are refused with a 401", () => {
  const { privateJwk, publicJwk } = generateSm2Jwk("k1");
  const [header, payload, signature] = signSm2Jwt(claims, { kid: "k1", privateJwk }).split(".");
  const raw = decodeBase64UrlStrict(signature);
  for (
    const bad of [
      encodeBase64Url(raw.slice(0, 63)),
      encodeBase64Url(new Uint8Array([...raw, 0])),
      `${signature}==`,
      "",
      encodeBase64Url(new Uint8Array(64)),
    ]
  ) {
    assert.throws(() => verifySm2Jws(`${header}.${payload}.${bad}`, publicJwk), {
      code: "unauthorized",
      status: 401,
    });
  }
});

Deno.test("verifySm2Jws - a JWK meant for encryption is not used for signatures", () => {
  const { privateJwk, publicJwk } = generateSm2Jwk("k1");
  const token = signSm2Jwt(claims, { kid: "k1", privateJwk });
  assert.throws(() => verifySm2Jws(token, { ...publicJwk, use: "enc" as "sig" }), {
    code: "unauthorized",
  });
});

Deno.test("sm2JwkFromHex - the JWK and hex forms of a key pair convert both ways", () => {
  const hex = sm2.generateKeyPairHex();
  const { privateJwk, publicJwk } = sm2JwkFromHex(hex, "k1");
  assert.equal(sm2PublicKeyHex(publicJwk), hex.publicKey);
  assert.equal(sm2PrivateKeyHex(privateJwk), hex.privateKey);
  assert.equal(decodeBase64UrlStrict(publicJwk.x).length, 32);
  assert.deepEqual(
    { kty: publicJwk.kty, crv: publicJwk.crv, alg: publicJwk.alg, use: publicJwk.use },
    { kty: "EC", crv: "SM2", alg: "SM2", use: "sig" },
  );
  assert.ok(!("d" in publicJwk));
});

Deno.test("sm2PrivateKeyHex - a d that does not belong to x and y is refused", () => {
  const a = generateSm2Jwk("a");
  const b = generateSm2Jwk("b");
  assert.throws(() => sm2PrivateKeyHex({ ...a.privateJwk, d: b.privateJwk.d }), TypeError);
  assert.throws(() => sm2PublicKeyHex({ ...a.publicJwk, x: "AAAA" }), TypeError);
});
