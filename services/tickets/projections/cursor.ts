/**
 * Opaque keyset cursors: the sort field, the last row's sort value and id, base64url JSON.
 * @module
 */
import { decodeBase64, encodeBase64Url } from "@ticketd/shared/crypto/base64.ts";
import { fail } from "@ticketd/shared/errors.ts";

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Cursor {
  sort: string;
  value: string;
  id: string;
}

/** A cursor pointing after the row with `value` and `id` under `sort`. */
export function encodeCursor(sort: string, value: unknown, id: string): string {
  const text = value instanceof Date ? value.toISOString() : String(value);
  return encodeBase64Url(new TextEncoder().encode(JSON.stringify([sort, text, id])));
}

/** The cursor's position; refuses cursors that are malformed or made for another sort. */
export function decodeCursor(cursor: string, sort: string, kind: "time" | "integer"): Cursor {
  try {
    const [s, value, id] = JSON.parse(new TextDecoder().decode(decodeBase64(cursor)));
    const validValue = typeof value === "string" &&
      (kind === "integer" ? /^-?[0-9]{1,18}$/.test(value) : ISO_TIME.test(value));
    if (s === sort && validValue && /^[0-9]{1,19}$/.test(id)) {
      return { sort: s, value, id };
    }
  } catch {
    // fall through to the one error below
  }
  fail("invalid_cursor", "The cursor is malformed or belongs to a different sort order", 400);
}
