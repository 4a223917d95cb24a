/**
 * Keys for a Ticketd process. The keyring comes from `TICKETD_KEYRING_FILE` (a Docker secret) or
 * `TICKETD_KEYRING` (the JSON itself); without either, a dev keyring is made once in the data
 * folder (back it up: without it no ticket text can be read). Keys are never logged.
 * Tokens are verified with configured keys or a JWKS URL; without either, with the dev key.
 * @module
 */
import { generateKeyringFile, type Keyring, parseKeyring } from "../crypto/keyring.ts";
import { type AuthConfig, createVerifier, type Verifier } from "../http/auth.ts";
import type { JwsAlgorithm } from "../http/jwk_set.ts";
import { DEV_AUDIENCE, DEV_ISSUER, type DevKeys, loadOrCreateDevKeys } from "../http/dev_keys.ts";
import type { Logger } from "../log/logger.ts";
import { RuntimeError } from "./runtime_error.ts";

export interface SecretsConfig {
  dataDir: string;
  keyringFile?: string;
  /** The keyring JSON itself, for platforms that hand secrets over as environment. */
  keyringJson?: string;
  jwt: {
    audience: string;
    issuer?: string;
    publicJwks?: string;
    jwksUrl?: string;
    /** The accepted `alg` values (default EdDSA, ES256 and SM2). */
    algorithms?: JwsAlgorithm[];
    /** Refuse tokens with no `scope` claim (those with one must always grant `tickets`). */
    scopeRequired?: boolean;
  };
}

/** The configured keyring, or the data folder's dev keyring (created on first use). */
export async function loadKeyring(config: SecretsConfig, log: Logger): Promise<Keyring> {
  if (config.keyringJson) return keyringFrom(config.keyringJson, "TICKETD_KEYRING");
  if (config.keyringFile) {
    const text = await Deno.readTextFile(config.keyringFile).catch((error) => {
      throw new RuntimeError(
        "invalid_keyring",
        `TICKETD_KEYRING_FILE: cannot read ${config.keyringFile} (${(error as Error).name})`,
      );
    });
    return keyringFrom(text, "TICKETD_KEYRING_FILE");
  }
  const path = `${config.dataDir}/keyring.json`;
  try {
    return parseKeyring(JSON.parse(await Deno.readTextFile(path)));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.mkdir(config.dataDir, { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(generateKeyringFile(), null, 2), {
    mode: 0o600,
    createNew: true,
  });
  log.warn("created a dev keyring; set TICKETD_KEYRING_FILE in production", { path });
  return parseKeyring(JSON.parse(await Deno.readTextFile(path)));
}

/** Parses a keyring, naming the setting (never the content) when it is not a valid one. */
function keyringFrom(json: string, setting: string): Keyring {
  try {
    return parseKeyring(JSON.parse(json));
  } catch (error) {
    const why = error instanceof SyntaxError
      ? "the keyring is not valid JSON"
      : (error as Error).message;
    throw new RuntimeError("invalid_keyring", `${setting}: ${why}`);
  }
}

export interface TokenVerification {
  verify: Verifier;
  /** Present when tokens are checked against the local dev key (so it can mint them). */
  devKeys?: DevKeys;
}

function parseJwks(json: string): { keys: unknown[] } {
  try {
    const parsed = JSON.parse(json);
    if (Array.isArray(parsed?.keys)) return parsed;
  } catch {
    // reported below
  }
  throw new RuntimeError(
    "invalid_token_settings",
    'TICKETD_JWT_PUBLIC_JWKS must be a JWK set: {"keys":[...]}',
  );
}

/** How this process verifies bearer tokens. */
export async function loadVerification(config: SecretsConfig): Promise<TokenVerification> {
  const { jwt } = config;
  if (jwt.jwksUrl || jwt.publicJwks) {
    if (!jwt.issuer) {
      throw new RuntimeError(
        "invalid_token_settings",
        "Set TICKETD_JWT_ISSUER: tokens from configured keys must name their issuer",
      );
    }
    const auth: AuthConfig = {
      audience: jwt.audience,
      issuer: jwt.issuer,
      jwksUrl: jwt.jwksUrl,
      scope: "tickets",
      scopeRequired: jwt.scopeRequired,
      jwks: jwt.publicJwks ? parseJwks(jwt.publicJwks) : undefined,
      algorithms: jwt.algorithms,
    };
    return { verify: createVerifier(auth) };
  }
  const devKeys = await loadOrCreateDevKeys(config.dataDir);
  const verify = createVerifier({
    audience: DEV_AUDIENCE,
    issuer: DEV_ISSUER,
    jwks: { keys: [devKeys.publicJwk] },
  });
  return { verify, devKeys };
}
