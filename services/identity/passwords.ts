/**
 * Passwords and client secrets hashed with scrypt (memory-hard), parameters stored with each
 * hash so they can be raised later: `$scrypt$ln=14,r=8,p=1$<salt>$<hash>` (base64url). Checks
 * compare in constant time; an unknown user is checked against a dummy hash, costing the same.
 * @module
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

export interface ScryptParams {
  /** log2 of N, the CPU/memory cost (14: 16 MiB per hash with r=8). */
  logN: number;
  r: number;
  p: number;
}

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([\w-]+)\$([\w-]+)$/;

/** The stored form of `secret`. */
export async function hashSecret(secret: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(secret, salt, params);
  const { logN, r, p } = params;
  return `$scrypt$ln=${logN},r=${r},p=${p}$${salt.toString("base64url")}$${
    key.toString("base64url")
  }`;
}

/** True when `secret` matches `stored`; false for a malformed `stored` (never throws). */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const params = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (params.logN < 10 || params.logN > 20) return false;
  const expected = Buffer.from(match[5], "base64url");
  const actual = await derive(secret, Buffer.from(match[4], "base64url"), params);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** True when `stored` was made with weaker parameters than `params` (rehash on next login). */
export function needsRehash(stored: string, params: ScryptParams): boolean {
  const match = FORMAT.exec(stored);
  return !match || Number(match[1]) < params.logN || Number(match[2]) < params.r;
}

function derive(secret: string, salt: Buffer, { logN, r, p }: ScryptParams): Promise<Buffer> {
  const N = 2 ** logN;
  const maxmem = 256 * N * r + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(
      secret.normalize("NFKC"),
      salt,
      KEY_BYTES,
      { N, r, p, maxmem },
      (error, key) => error ? reject(error) : resolve(key),
    )
  );
}

/** A hash of a random secret, to check unknown users against so they cost as much as known. */
export function dummyHash(params: ScryptParams): Promise<string> {
  return hashSecret(randomBytes(16).toString("base64url"), params);
}

/** A fresh random secret (client secrets, generated passwords), base64url. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}
