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

/** The keys from `file`, or the data folder's dev keys (made with `alg` if missing). */
export async function loadSigningKeys(
  options: { file?: string; dataDir: string; alg: SigningAlg },
): Promise<SigningKeys & { created?: string }> {
  if (options.file) {
    return await signingKeys(parseKeysFile(await Deno.readTextFile(options.file)));
  }
  const path = `${options.dataDir}/identity-signing-keys.json`;
  try {
    return await signingKeys(parseKeysFile(await Deno.readTextFile(path)));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const key = await generateSigningKey(options.alg, crypto.randomUUID());
  const file: SigningKeysFile = { active: key.kid, keys: [key] };
  await Deno.mkdir(options.dataDir, { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(file, null, 2), { mode: 0o600, createNew: true });
  return { ...(await signingKeys(file)), created: path };
}

/** Signer and JWKS of a parsed keys file. */
export async function signingKeys(file: SigningKeysFile): Promise<SigningKeys> {
  const active = file.keys.find((key) => key.kid === file.active)!;
  return {
    active: await signerFor(active),
    jwks: { keys: file.keys.filter((key) => !key.retired).map(publicJwkOf) },
  };
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
