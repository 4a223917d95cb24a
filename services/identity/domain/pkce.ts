/**
 * PKCE (RFC 7636), S256 only: `plain` and a missing method are refused at the authorization
 * request, a missing or wrong verifier at the token request. Pure: hashing only.
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { fail } from "@ticketd/shared/errors.ts";

/** 43..128 unreserved characters (RFC 7636 §4.1). */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** base64url of a SHA-256 digest: 43 characters, no padding. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** Throws `invalid_request` unless the authorization request carries an S256 challenge. */
export function checkChallenge(method: string | undefined, challenge: string | undefined): string {
  if (!challenge) fail("invalid_request", "code_challenge is required (PKCE with S256)", 400);
  if (method !== "S256") {
    fail("invalid_request", `code_challenge_method must be S256, got "${method ?? "plain"}"`, 400);
  }
  if (!CHALLENGE.test(challenge)) {
    fail("invalid_request", "code_challenge must be a base64url SHA-256 digest", 400);
  }
  return challenge;
}

/** The S256 challenge of `verifier`. */
export function challengeOf(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** Throws unless `verifier` is present, well formed and hashes to `challenge`. */
export function checkVerifier(verifier: string | undefined, challenge: string): void {
  if (!verifier) fail("invalid_request", "code_verifier is required", 400);
  if (!VERIFIER.test(verifier)) {
    fail("invalid_grant", "code_verifier must be 43 to 128 unreserved characters", 400);
  }
  const expected = Buffer.from(challenge);
  const actual = Buffer.from(challengeOf(verifier));
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    fail("invalid_grant", "code_verifier does not match the code_challenge", 400);
  }
}
