/**
 * The CSAT survey link's token: signed, expiring and scoped to one ticket, so a requester can
 * answer without signing in. `<payload>.<mac>`: the payload is base64url JSON of tenant, ticket,
 * requester and expiry (ids only, no text); the MAC is the tenant's keyed hash (HMAC-SHA-256, or
 * HMAC-SM3 for `gm` tenants) under a key derived from the keyring's search key for this purpose
 * alone. Single use is the ticket's business: its decider takes one rating (docs/csat.md).
 * Issued by the tickets service (the portal's link) and the email service (the solved notice).
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import { decodeBase64UrlStrict, encodeBase64Url } from "../crypto/base64.ts";
import { deriveSubkey } from "../crypto/keyring.ts";
import { tenantKeyedHash } from "../crypto/keyed_hash.ts";
import type { TenantProfiles } from "../crypto/profiles.ts";
import { fail } from "../errors.ts";

export interface SurveyScope {
  tenant: string;
  ticketId: string;
  requesterId: string;
  /** Epoch seconds after which the link is refused. */
  expiresAt: number;
}

export interface SurveyTokens {
  issue(scope: SurveyScope): string;
  /** The scope of a genuine, unexpired token; else 404 `survey_not_found` or 410 `survey_expired`. */
  verify(token: string, nowMs: number): SurveyScope;
}

/** The console's survey page; the token goes after `#`, so it is never sent or logged. */
export const SURVEY_PAGE = "/survey/";

/** The survey page's path (or, given an origin, URL) for `token`. */
export function surveyLink(token: string, origin = ""): string {
  return `${origin.replace(/\/+$/, "")}${SURVEY_PAGE}#${token}`;
}

const MAX_TOKEN_CHARS = 1_024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Tokens signed with a subkey of `searchKey` in each tenant's profile. */
export function surveyTokens(searchKey: Uint8Array, profiles: TenantProfiles): SurveyTokens {
  const mac = tenantKeyedHash(deriveSubkey(searchKey, "csat-survey"), profiles);
  return {
    issue(scope) {
      const { tenant, ticketId, requesterId, expiresAt } = scope;
      const payload = encodeBase64Url(
        encoder.encode(JSON.stringify({ t: tenant, k: ticketId, r: requesterId, e: expiresAt })),
      );
      return `${payload}.${mac(tenant, "csat-survey-v1", payload)}`;
    },
    verify(token, nowMs) {
      const scope = parse(token);
      const expected = mac(scope.tenant, "csat-survey-v1", token.slice(0, token.indexOf(".")));
      const given = token.slice(token.indexOf(".") + 1);
      if (!sameText(expected, given)) notFound();
      if (nowMs > scope.expiresAt * 1000) {
        fail("survey_expired", "This survey link has expired", 410);
      }
      return scope;
    },
  };
}

function parse(token: string): SurveyScope {
  const parts = token.split(".");
  if (token.length > MAX_TOKEN_CHARS || parts.length !== 2) notFound();
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(decoder.decode(decodeBase64UrlStrict(parts[0])));
  } catch {
    notFound();
  }
  const { t, k, r, e } = raw;
  if (typeof t !== "string" || typeof k !== "string" || typeof r !== "string") notFound();
  if (typeof e !== "number" || !Number.isInteger(e)) notFound();
  return { tenant: t, ticketId: k, requesterId: r, expiresAt: e };
}

function sameText(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function notFound(): never {
  fail("survey_not_found", "No such survey", 404);
}
