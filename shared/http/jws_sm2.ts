/**
 * JSON Web Signatures with SM2 (`alg: "SM2"`, no registered name exists): SM2 with SM3 over
 * Z_A || M (GM/T 0003, user id `1234567812345678`), the signature as raw 64-byte r || s.
 * Keys are JWKs `{ kty: "EC", crv: "SM2", x, y, d? }`. See docs/crypto.md.
 * @module
 */
import { generateSm2KeyPair, sm2PublicKeyOf, sm2Sign, sm2Verify } from "../crypto/gm/sm2.ts";
import { decodeBase64UrlStrict, encodeBase64Url } from "../crypto/base64.ts";
import { fail } from "../errors.ts";

/** A public SM2 key as a JWK; coordinates are base64url of 32 bytes each. */
export interface Sm2PublicJwk {
  kty: "EC";
  crv: "SM2";
  x: string;
  y: string;
  kid?: string;
  alg?: "SM2";
  use?: "sig";
  key_ops?: string[];
}

/** A private SM2 key as a JWK: the public members plus `d`. */
export interface Sm2PrivateJwk extends Sm2PublicJwk {
  d: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** The uncompressed public key (`04 || x || y`, hex) of an SM2 JWK; throws on a malformed one. */
export function sm2PublicKeyHex(jwk: Sm2PublicJwk): string {
  if (jwk.kty !== "EC" || jwk.crv !== "SM2") throw new TypeError("Not an SM2 JWK");
  return `04${coordinate(jwk.x)}${coordinate(jwk.y)}`;
}

/** The private key (hex) of an SM2 JWK; throws on a malformed one or one `x`, `y` do not match. */
export function sm2PrivateKeyHex(jwk: Sm2PrivateJwk): string {
  const privateKey = coordinate(jwk.d);
  if (sm2PublicKeyOf(privateKey).toLowerCase() !== sm2PublicKeyHex(jwk)) {
    throw new TypeError("The SM2 JWK's d does not belong to its x and y");
  }
  return privateKey;
}

/** An SM2 key pair given as hex (`publicKey` = `04 || x || y`) as JWKs with the id `kid`. */
export function sm2JwkFromHex(
  keys: { privateKey: string; publicKey: string },
  kid: string,
): { privateJwk: Sm2PrivateJwk; publicJwk: Sm2PublicJwk } {
  if (!/^04[0-9a-f]{128}$/i.test(keys.publicKey) || !/^[0-9a-f]{64}$/i.test(keys.privateKey)) {
    throw new TypeError("An SM2 key pair is a 32-byte private key and an uncompressed point");
  }
  const publicJwk: Sm2PublicJwk = {
    kty: "EC",
    crv: "SM2",
    x: encodeBase64Url(Uint8Array.fromHex(keys.publicKey.slice(2, 66))),
    y: encodeBase64Url(Uint8Array.fromHex(keys.publicKey.slice(66))),
    kid,
    alg: "SM2",
    use: "sig",
  };
  return {
    privateJwk: { ...publicJwk, d: encodeBase64Url(Uint8Array.fromHex(keys.privateKey)) },
    publicJwk,
  };
}

/** A new SM2 signing key pair as JWKs. */
export function generateSm2Jwk(
  kid: string,
): { privateJwk: Sm2PrivateJwk; publicJwk: Sm2PublicJwk } {
  return sm2JwkFromHex(generateSm2KeyPair(), kid);
}

/** A compact JWT `{ alg: "SM2", typ: "JWT", kid }` over `claims`, signed with `privateJwk`. */
export function signSm2Jwt(
  claims: Record<string, unknown>,
  options: { kid: string; privateJwk: Sm2PrivateJwk },
): string {
  const header = { alg: "SM2", typ: "JWT", kid: options.kid };
  const input = `${segment(header)}.${segment(claims)}`;
  const signature = sm2Sign(encoder.encode(input), sm2PrivateKeyHex(options.privateJwk));
  return `${input}.${encodeBase64Url(signature)}`;
}

/**
 * The payload of an SM2-signed compact JWS whose signature `publicJwk` verifies; throws a 401
 * `unauthorized` DomainError otherwise. Checks the header and signature only: claims are the
 * caller's to check.
 */
export function verifySm2Jws(token: string, publicJwk: Sm2PublicJwk): Record<string, unknown> {
  const parts = token.split(".");
  if (parts.length !== 3) refuse("The token is not a compact JWS");
  const header = parseSegment(parts[0]);
  if (header.alg !== "SM2") refuse("The token is not signed with SM2");
  if ("crit" in header) refuse("The token names critical header parameters");
  if (!usableForSignatures(publicJwk)) refuse("The key is not an SM2 signature key");
  if (header.kid !== undefined && publicJwk.kid !== undefined && header.kid !== publicJwk.kid) {
    refuse("The token names another key");
  }
  let publicKey: string, signature: Uint8Array;
  try {
    publicKey = sm2PublicKeyHex(publicJwk);
    signature = decodeBase64UrlStrict(parts[2]);
  } catch {
    refuse("The token's signature is malformed");
  }
  if (signature.length !== 64) refuse("An SM2 signature is 64 bytes (r || s)");
  if (!sm2Verify(encoder.encode(`${parts[0]}.${parts[1]}`), signature, publicKey)) {
    refuse("The token's signature is not valid");
  }
  return parseSegment(parts[1]);
}

function usableForSignatures(jwk: Sm2PublicJwk): boolean {
  return jwk.kty === "EC" && jwk.crv === "SM2" && (jwk.alg ?? "SM2") === "SM2" &&
    (jwk.use ?? "sig") === "sig" && (jwk.key_ops?.includes("verify") ?? true);
}

/** A JSON object from a base64url JWS segment; throws a 401 otherwise. */
export function parseSegment(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(decodeBase64UrlStrict(text)));
  } catch {
    refuse("The token is not well-formed");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    refuse("The token is not well-formed");
  }
  return value as Record<string, unknown>;
}

function segment(value: unknown): string {
  return encodeBase64Url(encoder.encode(JSON.stringify(value)));
}

function coordinate(text: unknown): string {
  const bytes = typeof text === "string" ? decodeBase64UrlStrict(text) : new Uint8Array();
  if (bytes.length !== 32) throw new TypeError("SM2 key members are 32 bytes");
  return bytes.toHex();
}

function refuse(message: string): never {
  fail("unauthorized", message, 401);
}
