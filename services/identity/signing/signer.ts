/**
 * Token signers keyed by JWS algorithm: EdDSA and ES256 through jose, SM2 through
 * shared/http/jws_sm2.ts. A new algorithm is one more entry in {@link ALGORITHMS}: how to make a
 * key pair and how to sign with one.
 * @module
 */
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import { generateSm2Jwk, signSm2Jwt, type Sm2PrivateJwk } from "@ticketd/shared/http/jws_sm2.ts";

export type SigningAlg = "EdDSA" | "ES256" | "SM2";

/** One signing key: its id, algorithm, private JWK, and whether it is retired. */
export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateJwk: JWK;
  /** Retired keys sign nothing and leave the JWKS. */
  retired?: boolean;
}

/** Signs the claims of an access token with one key. */
export interface TokenSigner {
  readonly alg: SigningAlg;
  readonly kid: string;
  sign(claims: Record<string, unknown>): Promise<string>;
}

interface Algorithm {
  generate(kid: string): Promise<JWK>;
  signer(key: SigningKey): Promise<TokenSigner>;
}

const jose = (alg: "EdDSA" | "ES256"): Algorithm => ({
  async generate(kid) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    return { ...(await exportJWK(privateKey)), kid, alg };
  },
  async signer(key) {
    const privateKey = await importJWK(key.privateJwk, alg);
    return {
      alg,
      kid: key.kid,
      sign: (claims) =>
        new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT", kid: key.kid }).sign(privateKey),
    };
  },
});

const sm2: Algorithm = {
  generate: (kid) => Promise.resolve(generateSm2Jwk(kid).privateJwk as JWK),
  signer(key) {
    const privateJwk = key.privateJwk as unknown as Sm2PrivateJwk;
    return Promise.resolve({
      alg: "SM2",
      kid: key.kid,
      sign: (claims) => Promise.resolve(signSm2Jwt(claims, { kid: key.kid, privateJwk })),
    });
  },
};

export const ALGORITHMS: Record<SigningAlg, Algorithm> = {
  EdDSA: jose("EdDSA"),
  ES256: jose("ES256"),
  SM2: sm2,
};

/** True when `value` names an algorithm this service can sign with. */
export function isSigningAlg(value: unknown): value is SigningAlg {
  return typeof value === "string" && Object.hasOwn(ALGORITHMS, value);
}

/** A new key of algorithm `alg` with id `kid`. */
export async function generateSigningKey(alg: SigningAlg, kid: string): Promise<SigningKey> {
  return { kid, alg, privateJwk: await ALGORITHMS[alg].generate(kid) };
}

/** The signer for `key`. */
export function signerFor(key: SigningKey): Promise<TokenSigner> {
  return ALGORITHMS[key.alg].signer(key);
}

/** The public half of `key` as it appears in the JWKS. */
export function publicJwkOf(key: SigningKey): JWK {
  const { kty, crv, x, y } = key.privateJwk;
  const publicJwk: JWK = { kty, crv, x, kid: key.kid, alg: key.alg, use: "sig" };
  if (y !== undefined) publicJwk.y = y;
  return publicJwk;
}
