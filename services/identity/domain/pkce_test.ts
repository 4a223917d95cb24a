import assert from "node:assert/strict";
import { challengeOf, checkChallenge, checkVerifier } from "./pkce.ts";

// RFC 7636 appendix B
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

Deno.test("challengeOf - matches the RFC 7636 example", () => {
  assert.equal(challengeOf(VERIFIER), CHALLENGE);
});

Deno.test("checkChallenge - S256 with a well-formed challenge is accepted", () => {
  assert.equal(checkChallenge("S256", CHALLENGE), CHALLENGE);
});

Deno.test("checkChallenge - plain, a missing method and a missing challenge are refused", () => {
  assert.throws(() => checkChallenge("plain", VERIFIER), { code: "invalid_request" });
  assert.throws(() => checkChallenge(undefined, CHALLENGE), { code: "invalid_request" });
  assert.throws(() => checkChallenge("S256", undefined), { code: "invalid_request" });
  assert.throws(() => checkChallenge("S256", "short"), { code: "invalid_request" });
});

Deno.test("checkVerifier - the right verifier passes", () => {
  checkVerifier(VERIFIER, CHALLENGE);
});

Deno.test("checkVerifier - a missing verifier is invalid_request, a wrong one invalid_grant", () => {
  assert.throws(() => checkVerifier(undefined, CHALLENGE), { code: "invalid_request" });
  assert.throws(() => checkVerifier(VERIFIER.replace("d", "e"), CHALLENGE), {
    code: "invalid_grant",
  });
  assert.throws(() => checkVerifier("too-short", CHALLENGE), { code: "invalid_grant" });
});
