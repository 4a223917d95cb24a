/**
 * Canonical JSON, the exact bytes an audit entry is hashed as: object keys sorted by UTF-16 code
 * units (JavaScript's default sort, equal to code points for the ASCII keys entries use), no
 * whitespace, strings and numbers as `JSON.stringify` writes them. `undefined` members are left
 * out, as `JSON.stringify` does.
 * @module
 */

/** A JSON value the audit log stores. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `value` as canonical JSON text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new TypeError("Canonical JSON has no NaN or Infinity");
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const members = Object.keys(value).sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) =>
      `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`
    );
  return `{${members.join(",")}}`;
}
