/**
 * Base64 (standard and URL-safe) on node's Buffer, which is native and fast; `@std/encoding` is
 * out of reach here.
 * @module
 */
import { Buffer } from "node:buffer";

/** Standard base64 of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Decodes standard or URL-safe base64; throws on characters outside both alphabets. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) throw new SyntaxError("Not base64");
  const decoded = Buffer.from(text, "base64");
  return new Uint8Array(decoded.buffer as ArrayBuffer, decoded.byteOffset, decoded.byteLength);
}

/** URL-safe base64 without padding, for compact tokens. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}
