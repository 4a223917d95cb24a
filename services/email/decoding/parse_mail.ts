/**
 * Raw RFC 5322 bytes to an {@link InboundMail} with `mailparser`: MIME multiparts, quoted-printable
 * and base64, RFC 2047 encoded words and RFC 2231 parameters, declared charsets (iconv-lite,
 * encoding-japanese for ISO-2022-JP). HTML-only mail is turned into safe text here.
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { type AddressObject, simpleParser } from "mailparser";
import type { InboundMail, MailAddress, MailAttachment } from "../domain/mail.ts";
import { type HtmlLimits, htmlToSafeText } from "./html_text.ts";
import { undeclaredText } from "./undeclared_charset.ts";

/** A mail that cannot become a ticket at all (it is kept raw, encrypted, for a person). */
export class UnparseableMail extends Error {
  readonly code = "unparseable_mail";
  constructor(message: string) {
    super(message);
    this.name = "UnparseableMail";
  }
}

export interface DecodeLimits extends HtmlLimits {
  /** MIME parts (nodes, however nested) read; a mail with more cannot be decoded. */
  maxMimeParts: number;
}

/**
 * Decodes `raw`; throws {@link UnparseableMail} when it has no usable sender or more than
 * `limits.maxMimeParts` MIME parts (a mail nested a thousand levels deep is a thousand parts).
 */
export async function parseMail(raw: Uint8Array, limits: DecodeLimits): Promise<InboundMail> {
  const parsed = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), {
    maxChildNodes: limits.maxMimeParts,
    skipHtmlToText: true, // done below, within the limits
    skipTextToHtml: true,
    skipImageLinks: true,
    skipTextLinks: true,
  }).catch((error) => {
    throw new UnparseableMail(`The message cannot be decoded (${(error as Error).message})`);
  });
  const from = firstAddress(parsed.from);
  if (!from) throw new UnparseableMail("The message names no sender address");
  const headers = headerValues(parsed.headerLines);
  const html = typeof parsed.html === "string" ? parsed.html : "";
  // Only where mailparser fell back to UTF-8 and got replacement characters.
  const guessed =
    (parsed.subject ?? "").includes("\uFFFD") || (parsed.text ?? "").includes("\uFFFD")
      ? undeclaredText(raw)
      : {};
  return {
    messageId: bare(parsed.messageId) || null,
    inReplyTo: messageIds(parsed.inReplyTo),
    references: [parsed.references ?? []].flat().flatMap(messageIds),
    subject: guessed.subject ?? parsed.subject ?? "",
    from,
    recipients: recipients(parsed, headers),
    headers,
    text: guessed.text ??
      (parsed.text?.trim() ? parsed.text : html ? htmlToSafeText(html, limits) : ""),
    attachments: parsed.attachments.map((a): MailAttachment => ({
      fileName: a.filename ?? (a.contentType.startsWith("image/") ? "image" : "attachment"),
      mime: a.contentType,
      inline: a.contentDisposition === "inline" || a.related === true,
      content: new Uint8Array(a.content),
    })),
    contentHash: createHash("sha256").update(raw).digest("hex"),
  };
}

function firstAddress(object: AddressObject | undefined): MailAddress | null {
  const first = object?.value.find((a) => a.address);
  return first?.address ? { address: first.address.toLowerCase(), name: first.name ?? "" } : null;
}

function recipients(
  parsed: { to?: AddressObject | AddressObject[]; cc?: AddressObject | AddressObject[] },
  headers: Record<string, string>,
): string[] {
  const listed = [parsed.to ?? [], parsed.cc ?? []].flat().flatMap((o) => o.value)
    .flatMap((a) => a.address ? [a.address.toLowerCase()] : []);
  const delivered = ["delivered-to", "x-original-to"].flatMap((name) =>
    headers[name] ? [bare(headers[name]).toLowerCase()] : []
  );
  return [...new Set([...delivered, ...listed])];
}

/** Header values by lower-cased name, unfolded, first occurrence (for the loop guard). */
function headerValues(lines: readonly { key: string; line: string }[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const { key, line } of lines) {
    if (key in values) continue;
    values[key] = line.slice(line.indexOf(":") + 1).replace(/\r?\n[ \t]+/g, " ").trim();
  }
  return values;
}

function messageIds(value: string | undefined): string[] {
  return (value ?? "").match(/<[^<>\s]+>/g)?.map(bare) ?? (value?.trim() ? [bare(value)] : []);
}

function bare(id: string | undefined): string {
  return (id ?? "").trim().replace(/^<|>$/g, "");
}
