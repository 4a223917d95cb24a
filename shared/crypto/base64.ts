/**
 * Base64 (standard and URL-safe) on the built-in `Uint8Array` base64 methods, which are native
 * and about thirty times faster than node's Buffer shim; `@std/encoding` is out of reach here.
 * @module
 */

/** Standard base64 of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  return bytes.toBase64();
}

/** Decodes standard or URL-safe base64 (padding optional); throws a SyntaxError otherwise. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const alphabet = /[-_]/.test(text) ? "base64url" : "base64";
  return Uint8Array.fromBase64(text, { alphabet });
}

/** URL-safe base64 without padding, for compact tokens. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return bytes.toBase64({ alphabet: "base64url", omitPadding: true });
}

/**
 * Decodes unpadded base64url in its one canonical spelling (as JWS requires); throws a
 * SyntaxError on padding, other alphabets or non-zero trailing bits.
 */
export function decodeBase64UrlStrict(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new SyntaxError("Not unpadded base64url");
  }
  const bytes = Uint8Array.fromBase64(text, { alphabet: "base64url" });
  if (encodeBase64Url(bytes) !== text) throw new SyntaxError("Not canonical base64url");
  return bytes;
}
