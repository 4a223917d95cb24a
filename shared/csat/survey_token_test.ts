import { deepEqual, equal, throws } from "node:assert/strict";
import { parseTenantProfiles } from "../crypto/profiles.ts";
import type { DomainError } from "../errors.ts";
import { surveyLink, surveyTokens } from "./survey_token.ts";

const tokens = surveyTokens(new Uint8Array(32).fill(7), parseTenantProfiles("intl", "gov=gm"));
const scope = { tenant: "acme", ticketId: "42", requesterId: "cust-1", expiresAt: 2_000_000_000 };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as DomainError).code;
  }
  return "none";
}

Deno.test("surveyTokens - a token issued for a ticket verifies to its scope until it expires", () => {
  const token = tokens.issue(scope);
  deepEqual(tokens.verify(token, 1_999_999_999_000), scope);
  equal(code(() => tokens.verify(token, 2_000_000_001_000)), "survey_expired");
  deepEqual(tokens.verify(tokens.issue({ ...scope, tenant: "gov" }), 0).tenant, "gov");
});

Deno.test("surveyTokens - a token with a changed ticket, another key or garbage is not found", () => {
  const token = tokens.issue(scope);
  const [, mac] = token.split(".");
  const other = tokens.issue({ ...scope, ticketId: "43" }).split(".")[0];
  equal(code(() => tokens.verify(`${other}.${mac}`, 0)), "survey_not_found");
  const foreign = surveyTokens(new Uint8Array(32), parseTenantProfiles("intl")).issue(scope);
  equal(code(() => tokens.verify(foreign, 0)), "survey_not_found");
  for (const junk of ["", "x", "a.b.c", "%%%.x", `${"a".repeat(2000)}.x`]) {
    equal(code(() => tokens.verify(junk, 0)), "survey_not_found", junk);
  }
  throws(() => tokens.verify(`${token}x`, 0));
});

Deno.test("surveyLink - the token after # on the survey page, below an origin if given", () => {
  equal(surveyLink("abc.def"), "/survey/#abc.def");
  equal(surveyLink("abc.def", "https://help.example/"), "https://help.example/survey/#abc.def");
});
