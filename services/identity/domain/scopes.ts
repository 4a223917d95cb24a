/**
 * Scopes: a request may ask for any subset of what its client is allowed (none asked: all of
 * it); a refresh may narrow the family's scope, never widen it. Pure.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token

/** The granted scope for `requested` (space separated) out of `allowed`. */
export function grantScope(requested: string | undefined, allowed: readonly string[]): string[] {
  if (requested === undefined || requested.trim() === "") return [...allowed];
  const asked = [...new Set(requested.split(" ").filter((s) => s !== ""))];
  for (const scope of asked) {
    if (!SCOPE_TOKEN.test(scope)) fail("invalid_scope", "The scope is malformed", 400);
    if (!allowed.includes(scope)) {
      fail("invalid_scope", `The scope "${scope}" is not allowed for this client`, 400);
    }
  }
  return asked;
}
