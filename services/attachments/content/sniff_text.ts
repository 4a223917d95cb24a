/**
 * Text from its bytes: UTF-8 (with or without a BOM) or UTF-16 with a BOM, no NUL and few control
 * characters. Markup a browser would run (HTML, SVG, XML) is named as such, so that it is never
 * served inline.
 * @module
 */
import type { SniffedType } from "./sniff.ts";

/** At most this share of bytes may be control characters other than tab, newlines, FF and ESC. */
const MAX_CONTROL_SHARE = 0.01;

/** The text type of `b`, or null when it is not text. */
export function sniffText(b: Uint8Array): SniffedType | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return markupOr(utf8(b.subarray(3)), "");
  if (b[0] === 0xff && b[1] === 0xfe) return markupOr(utf16(b, "utf-16le"), "; charset=utf-16le");
  if (b[0] === 0xfe && b[1] === 0xff) return markupOr(utf16(b, "utf-16be"), "; charset=utf-16be");
  if (b.includes(0) || tooManyControls(b)) return null;
  const text = strictUtf8(b);
  return text === null ? null : markupOr(text, "");
}

function markupOr(text: string, charset: string): SniffedType {
  const markup = markupType(text);
  return { mime: (markup ?? "text/plain") + charset, kind: "text" };
}

/** HTML as the WHATWG sniffing rules spot it, SVG, and other XML (which may be XHTML). */
const HTML_START =
  /^<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--)[ >]/;

function markupType(text: string): string | null {
  const start = text.slice(0, 1024).trimStart().toLowerCase();
  if (start.startsWith("<svg") || start.startsWith("<!doctype svg")) return "image/svg+xml";
  if (HTML_START.test(start)) return "text/html";
  if (start.startsWith("<?xml")) {
    if (start.includes("<svg")) return "image/svg+xml";
    if (start.includes("<html") || start.includes("<!doctype html")) return "text/html";
    return "application/xml";
  }
  return null;
}

function tooManyControls(b: Uint8Array): boolean {
  let controls = 0;
  for (const byte of b) {
    const allowed = byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d ||
      byte === 0x1b;
    if ((byte < 0x20 && !allowed) || byte === 0x7f) controls++;
  }
  return controls > b.length * MAX_CONTROL_SHARE;
}

/** Valid UTF-8, allowing a character cut off at the end (the sniffer sees only a prefix). */
function strictUtf8(b: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b.subarray(0, completeLength(b)));
  } catch {
    return null;
  }
}

/** The length of `b` without a trailing incomplete UTF-8 sequence. */
function completeLength(b: Uint8Array): number {
  for (let i = b.length - 1; i >= Math.max(0, b.length - 4); i--) {
    if ((b[i] & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const needs = b[i] >= 0xf0 ? 4 : b[i] >= 0xe0 ? 3 : b[i] >= 0xc0 ? 2 : 1;
    return i + needs > b.length ? i : b.length;
  }
  return b.length;
}

function utf8(b: Uint8Array): string {
  return new TextDecoder("utf-8").decode(b);
}

function utf16(b: Uint8Array, encoding: "utf-16le" | "utf-16be"): string {
  return new TextDecoder(encoding).decode(b.subarray(2, b.length - (b.length % 2)));
}
