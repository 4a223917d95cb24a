/**
 * Versions as entity tags: a ticket's version travels as a strong ETag `"<version>"`, and comes
 * back as `If-Match`.
 * @module
 */
import { fail } from "../errors.ts";

/** The ETag for `version`. */
export function etag(version: number | string): string {
  return `"${version}"`;
}

/** The version named by an `If-Match` header; undefined when absent; 400 when malformed. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  // If-Match compares strongly (RFC 9110), so a weak tag can never match: refuse it plainly.
  const match = /^\s*"([0-9]{1,15})"\s*$/.exec(header);
  if (!match) fail("invalid_if_match", 'If-Match must be one strong ETag, like "42"', 400);
  return Number(match[1]);
}
