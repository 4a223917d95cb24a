/**
 * Text whose charset nobody declared: 8-bit bytes in a single-part body without `charset=`, or in
 * a raw (unencoded) Subject header. mailparser reads those as UTF-8, which turns a GBK mail into
 * replacement characters. Here they are decoded as UTF-8 when they are valid UTF-8, else as
 * GB18030 (a superset of GB2312 and GBK, the legacy mail most often sent undeclared to Chinese
 * desks), else as windows-1252, which decodes any byte.
 * @module
 */
import { Buffer } from "node:buffer";

const FALLBACKS = ["utf-8", "gb18030", "windows-1252"] as const;

/** `bytes` decoded by the first of the fallback charsets that reads them without an error. */
export function decodeUndeclared(bytes: Uint8Array): string {
  for (const label of FALLBACKS) {
    try {
      return new TextDecoder(label, { fatal: true }).decode(bytes);
    } catch {
      // not this one
    }
  }
  return new TextDecoder("windows-1252").decode(bytes);
}

/** The raw header block and body of `raw` (split at the first empty line). */
function split(raw: Uint8Array): { head: string; body: Uint8Array } {
  const latin1 = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("latin1");
  const match = /\r?\n\r?\n/.exec(latin1);
  if (!match) return { head: latin1, body: new Uint8Array() };
  return { head: latin1.slice(0, match.index), body: raw.subarray(match.index + match[0].length) };
}

/** The header `name` of `head`, unfolded, as its raw bytes (latin1 round trip), or null. */
function rawHeader(head: string, name: string): Uint8Array | null {
  const match = new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)`, "im").exec(head);
  if (!match) return null;
  return new Uint8Array(Buffer.from(match[1].replace(/\r?\n[ \t]+/g, " ").trim(), "latin1"));
}

/**
 * The subject and single-part body text of `raw` re-decoded where mailparser had to guess:
 * `undefined` for each that had no undeclared 8-bit bytes.
 */
export function undeclaredText(raw: Uint8Array): { subject?: string; text?: string } {
  const { head, body } = split(raw);
  const result: { subject?: string; text?: string } = {};
  const subject = rawHeader(head, "subject");
  if (subject && subject.some((b) => b >= 0x80)) result.subject = decodeUndeclared(subject);
  const type = new TextDecoder().decode(rawHeader(head, "content-type") ?? new Uint8Array());
  const encoding = new TextDecoder().decode(
    rawHeader(head, "content-transfer-encoding") ?? new Uint8Array(),
  ).toLowerCase();
  const plainBody = (type === "" || /^text\/plain\b/i.test(type)) && !/charset=/i.test(type) &&
    !["base64", "quoted-printable"].includes(encoding);
  if (plainBody && body.some((b) => b >= 0x80)) result.text = decodeUndeclared(body);
  return result;
}
