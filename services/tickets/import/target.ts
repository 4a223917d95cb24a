/**
 * Where an import goes and as whom: the URL the running service wrote to its data folder, and a
 * token from the flag, the environment, or minted from the local dev signing key.
 * @module
 */
import { decodeJwt } from "jose";
import { type DevKeys, mintDevToken } from "@ticketd/shared/http/dev_keys.ts";

export interface TargetInput {
  url?: string;
  token?: string;
  /** `$TICKETD_TOKEN`. */
  envToken?: string;
  tenant: string;
  dataDir: string;
}

export const DEFAULT_URL = "http://127.0.0.1:8080";

/** The URL and token to use; throws when there is no token to be had. */
export async function resolveTarget(input: TargetInput): Promise<{ url: string; token: string }> {
  const url = input.url ?? (await readOptional(`${input.dataDir}/tickets.url`))?.trim() ??
    DEFAULT_URL;
  const token = input.token ?? (input.envToken || undefined) ?? await devToken(input);
  return { url, token };
}

/** An admin token from `<dataDir>/dev-signing-key.json`; never creates a key. */
async function devToken({ dataDir, tenant }: TargetInput): Promise<string> {
  const path = `${dataDir}/dev-signing-key.json`;
  const text = await readOptional(path);
  if (text === undefined) {
    throw new Error(`No token: pass --token, set TICKETD_TOKEN, or start the service (${path})`);
  }
  const keys = JSON.parse(text) as DevKeys;
  return await mintDevToken(keys, { sub: "importer", tenant, role: "admin" });
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** The tenant a token names (read, not verified: the service verifies), if any. */
export function tokenTenant(token: string): string | undefined {
  try {
    const tenant = decodeJwt(token).tenant;
    return typeof tenant === "string" ? tenant : undefined;
  } catch {
    return undefined;
  }
}
