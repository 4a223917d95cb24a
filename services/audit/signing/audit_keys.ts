/**
 * The audit key: one Ed25519 key (checkpoints of `intl` tenants) and one SM2 key (`gm` tenants),
 * from `TICKETD_AUDIT_KEYS_FILE` or `<data dir>/audit-keys.json`, made at first start. The file:
 *
 * ```json
 * { "keys": [ { "kid": "…", "alg": "Ed25519", "privateJwk": { "kty": "OKP", "crv": "Ed25519", "x": "…", "d": "…" } },
 *             { "kid": "…", "alg": "SM2", "privateJwk": { "kty": "EC", "crv": "SM2", "x": "…", "y": "…", "d": "…" } } ] }
 * ```
 * Signatures are raw (64 bytes, base64url) over the UTF-8 bytes of the statement: Ed25519
 * (RFC 8032), or SM2 over SM3(Z_A || M) with the user id `1234567812345678` (GM/T 0003).
 * @module
 */
import { decodeBase64UrlStrict, encodeBase64Url } from "@ticketd/shared/crypto/base64.ts";
import { sm2Sign, sm2Verify } from "@ticketd/shared/crypto/gm/sm2.ts";
import {
  generateSm2Jwk,
  type Sm2PrivateJwk,
  sm2PrivateKeyHex,
  type Sm2PublicJwk,
  sm2PublicKeyHex,
} from "@ticketd/shared/http/jws_sm2.ts";

export const SIGNATURE_ALGS = ["Ed25519", "SM2"] as const;
export type SignatureAlg = (typeof SIGNATURE_ALGS)[number];

interface KeyEntry {
  kid: string;
  alg: SignatureAlg;
  privateJwk: JsonWebKey & Record<string, unknown>;
}

/** A public key as served (`GET /v1/audit/keys`) and read by `deno task audit:verify`. */
export type AuditPublicJwk = (JsonWebKey | Sm2PublicJwk) & { kid: string; alg: SignatureAlg };

/** Signs statements with the key of one algorithm. */
export interface AuditSigner {
  kid: string;
  alg: SignatureAlg;
  sign(statement: string): Promise<string>;
}

export interface AuditKeys {
  signer(alg: SignatureAlg): AuditSigner;
  publicJwks: { keys: AuditPublicJwk[] };
}

/** Thrown for a keys file that cannot be used; the message names it. */
export class AuditKeysError extends Error {
  override name = "AuditKeysError";
}

const encoder = new TextEncoder();

/** The keys of `file`, or of `<dataDir>/audit-keys.json` (created with fresh keys if missing). */
export async function loadAuditKeys(options: { file?: string; dataDir: string }) {
  const path = options.file || `${options.dataDir}/audit-keys.json`;
  let text: string | null = null;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (options.file || !(error instanceof Deno.errors.NotFound)) {
      throw new AuditKeysError(`${path}: cannot read the audit keys (${(error as Error).message})`);
    }
  }
  if (text === null) {
    text = JSON.stringify({ keys: await Promise.all(SIGNATURE_ALGS.map(generateKey)) }, null, 2);
    await Deno.mkdir(options.dataDir, { recursive: true });
    await Deno.writeTextFile(path, text, { mode: 0o600, createNew: true });
  }
  try {
    return await auditKeysOf(JSON.parse(text).keys as KeyEntry[]);
  } catch (error) {
    throw new AuditKeysError(`${path}: not an audit keys file (${(error as Error).message})`);
  }
}

async function generateKey(alg: SignatureAlg): Promise<KeyEntry> {
  const kid = `audit-${alg.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}`;
  if (alg === "SM2") {
    return {
      kid,
      alg,
      privateJwk: generateSm2Jwk(kid).privateJwk as unknown as KeyEntry["privateJwk"],
    };
  }
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  const jwk = await crypto.subtle.exportKey("jwk", (pair as CryptoKeyPair).privateKey);
  return { kid, alg, privateJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d } };
}

async function auditKeysOf(entries: KeyEntry[]): Promise<AuditKeys> {
  const signers = new Map<SignatureAlg, AuditSigner>();
  const keys: AuditPublicJwk[] = [];
  for (const entry of entries) {
    if (!SIGNATURE_ALGS.includes(entry.alg) || signers.has(entry.alg)) {
      throw new Error(`one key per algorithm of ${SIGNATURE_ALGS.join(", ")}`);
    }
    signers.set(entry.alg, await signerOf(entry));
    keys.push(publicJwkOf(entry));
  }
  for (const alg of SIGNATURE_ALGS) if (!signers.has(alg)) throw new Error(`no ${alg} key`);
  return { signer: (alg) => signers.get(alg)!, publicJwks: { keys } };
}

async function signerOf(entry: KeyEntry): Promise<AuditSigner> {
  const { kid, alg } = entry;
  if (alg === "SM2") {
    const privateKey = sm2PrivateKeyHex(entry.privateJwk as unknown as Sm2PrivateJwk);
    const sign = (s: string) =>
      Promise.resolve(encodeBase64Url(sm2Sign(encoder.encode(s), privateKey)));
    return { kid, alg, sign };
  }
  const key = await crypto.subtle.importKey("jwk", entry.privateJwk, { name: "Ed25519" }, false, [
    "sign",
  ]);
  const sign = async (s: string) =>
    encodeBase64Url(new Uint8Array(await crypto.subtle.sign("Ed25519", key, encoder.encode(s))));
  return { kid, alg, sign };
}

function publicJwkOf(entry: KeyEntry): AuditPublicJwk {
  const { d: _d, ...rest } = entry.privateJwk;
  return { ...rest, kid: entry.kid, alg: entry.alg, use: "sig" } as AuditPublicJwk;
}

/** True when `signature` (base64url) is `jwk`'s signature over `statement`; never throws. */
export async function verifyStatement(
  jwk: AuditPublicJwk,
  statement: string,
  signature: string,
): Promise<boolean> {
  try {
    const bytes = decodeBase64UrlStrict(signature);
    if (jwk.alg === "SM2") {
      return sm2Verify(encoder.encode(statement), bytes, sm2PublicKeyHex(jwk as Sm2PublicJwk));
    }
    const { kty, crv, x } = jwk as JsonWebKey;
    const key = await crypto.subtle.importKey("jwk", { kty, crv, x }, { name: "Ed25519" }, false, [
      "verify",
    ]);
    return await crypto.subtle.verify("Ed25519", key, bytes, encoder.encode(statement));
  } catch {
    return false;
  }
}

/** The public keys in a file: a JWKS `{keys: [...]}` as served, or the audit keys file itself. */
export async function readPublicKeys(path: string): Promise<AuditPublicJwk[]> {
  const parsed = JSON.parse(await Deno.readTextFile(path)) as {
    keys: (AuditPublicJwk | KeyEntry)[];
  };
  return parsed.keys.map((key) => "privateJwk" in key ? publicJwkOf(key) : key);
}
