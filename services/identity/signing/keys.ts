/**
 * The signing keys: from `TICKETD_SIGNING_KEYS_FILE`, or made once in the data folder for
 * development. The file holds several keys and names the `active` one; every key that is not
 * retired stays in the JWKS, so tokens signed by the previous key verify during a rollover.
 *
 * ```json
 * { "active": "k2", "keys": [
 *   { "kid": "k1", "alg": "EdDSA", "privateJwk": { "kty": "OKP", "crv": "Ed25519", "x": "…", "d": "…" } },
 *   { "kid": "k2", "alg": "EdDSA", "privateJwk": { … } },
 *   { "kid": "k0", "alg": "ES256", "privateJwk": { … }, "retired": true } ] }
 * ```
 * @module
 */
import type { JWK } from "jose";
import { createKeySet, JWS_ALGORITHMS } from "@ticketd/shared/http/jwk_set.ts";
import { verifyJwt } from "@ticketd/shared/http/jwt_verify.ts";
import {
  generateSigningKey,
  isSigningAlg,
  publicJwkOf,
  signerFor,
  type SigningAlg,
  type SigningKey,
  type TokenSigner,
} from "./signer.ts";

export interface SigningKeysFile {
  active: string;
  keys: SigningKey[];
}

export interface SigningKeys {
  active: TokenSigner;
  /** The public keys of every key not retired. */
  jwks: { keys: JWK[] };
}

/** Thrown for a keys file that cannot be used; the message says why. */
export class SigningKeysError extends Error {
  override name = "SigningKeysError";
}

/**
 * The keys from `file` (`TICKETD_SIGNING_KEYS_FILE`), or the data folder's dev keys (made with
 * `alg` if missing). Every failure is a {@link SigningKeysError} naming the file and the setting.
 */
export async function loadSigningKeys(
  options: { file?: string; dataDir: string; alg: SigningAlg },
): Promise<SigningKeys & { created?: string }> {
  if (options.file) {
    const where = `TICKETD_SIGNING_KEYS_FILE (${options.file})`;
    return await signingKeysOf(await readKeysFile(options.file, where), where);
  }
  const path = `${options.dataDir}/identity-signing-keys.json`;
  const where = `${path} (the dev keys, used while TICKETD_SIGNING_KEYS_FILE is unset)`;
  let text: string | null;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw unreadable(where, error);
    text = null;
  }
  if (text !== null) return await signingKeysOf(text, where);
  const key = await generateSigningKey(options.alg, crypto.randomUUID());
  const file: SigningKeysFile = { active: key.kid, keys: [key] };
  await Deno.mkdir(options.dataDir, { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(file, null, 2), { mode: 0o600, createNew: true });
  return { ...(await signingKeys(file)), created: path };
}

async function readKeysFile(path: string, where: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw unreadable(where, error);
  }
}

function unreadable(where: string, error: unknown): SigningKeysError {
  const reason = error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message;
  return new SigningKeysError(`${where}: cannot read the signing keys file: ${reason}`);
}

async function signingKeysOf(text: string, where: string): Promise<SigningKeys> {
  try {
    return await signingKeys(parseKeysFile(text));
  } catch (error) {
    if (error instanceof SigningKeysError) throw new SigningKeysError(`${where}: ${error.message}`);
    throw error;
  }
}

/**
 * Signer and JWKS of a parsed keys file. Every key not retired is tried first: it signs a probe
 * token, which must verify against its published public key as resource servers check tokens,
 * so a damaged key (a bad `d`, an `x` of another key) stops the start instead of a sign-in.
 */
export async function signingKeys(file: SigningKeysFile): Promise<SigningKeys> {
  const live = file.keys.filter((key) => !key.retired);
  const signers = new Map<string, TokenSigner>();
  for (const key of live) signers.set(key.kid, await tryKey(key));
  return {
    active: signers.get(file.active)!,
    jwks: { keys: live.map(publicJwkOf) },
  };
}

async function tryKey(key: SigningKey): Promise<TokenSigner> {
  try {
    const signer = await signerFor(key);
    const probe = await signer.sign({
      iss: "probe",
      aud: "probe",
      exp: Math.floor(Date.now() / 1000) + 60,
    });
    const set = await createKeySet({
      algorithms: JWS_ALGORITHMS,
      jwks: { keys: [publicJwkOf(key)] },
    });
    await verifyJwt(probe, set, {
      issuer: "probe",
      audience: "probe",
      algorithms: JWS_ALGORITHMS,
      clockToleranceSeconds: 60,
    });
    return signer;
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new SigningKeysError(
      `Key "${key.kid}" (${key.alg}): the key pair does not sign and verify (${reason})`,
    );
  }
}

/** A keys file checked: unique kids, known algorithms, private keys, an active key not retired. */
export function parseKeysFile(text: string): SigningKeysFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SigningKeysError("The signing keys file is not JSON");
  }
  const file = value as Partial<SigningKeysFile>;
  if (typeof file?.active !== "string" || !Array.isArray(file.keys)) {
    throw new SigningKeysError('The signing keys file needs "active" and "keys"');
  }
  const kids = new Set<string>();
  for (const key of file.keys) {
    if (typeof key?.kid !== "string" || key.kid === "" || kids.has(key.kid)) {
      throw new SigningKeysError("Every signing key needs a unique kid");
    }
    kids.add(key.kid);
    if (!isSigningAlg(key.alg)) {
      throw new SigningKeysError(`Key "${key.kid}": alg must be EdDSA, ES256 or SM2`);
    }
    if (typeof key.privateJwk?.d !== "string" || typeof key.privateJwk.x !== "string") {
      throw new SigningKeysError(`Key "${key.kid}": privateJwk must be a private JWK`);
    }
  }
  const active = file.keys.find((key) => key.kid === file.active);
  if (!active || active.retired) {
    throw new SigningKeysError(`The active key "${file.active}" must be present and not retired`);
  }
  return file as SigningKeysFile;
}
