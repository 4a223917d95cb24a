/**
 * The headers a download leaves with: the sniffed type, never sniffed again by the browser
 * (`nosniff`), saved rather than shown unless it is a raster image, sandboxed if shown anyway,
 * never cached by shared caches.
 * @module
 */
import { sanitiseFileName } from "../content/file_names.ts";

/** Raster images cannot run script, so they may be shown inline. */
const INLINE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** What the headers need from an attachment. */
export interface DownloadedFile {
  attachmentId: string;
  /** The content's checksum id, when the record has one: the ETag then follows the bytes. */
  contentId?: string;
  fileName: string;
  mime: string;
}

/** The strong entity tag of an attachment: its content id, else its id (content never changes). */
export function attachmentEtag(file: Pick<DownloadedFile, "attachmentId" | "contentId">): string {
  const usable = file.contentId !== undefined && /^[!#-~]{1,200}$/.test(file.contentId);
  return `"${usable ? file.contentId : file.attachmentId}"`;
}

/** The headers common to 200, 206 and HEAD (not the length or range). */
export function downloadHeaders(file: DownloadedFile): Record<string, string> {
  return {
    "content-type": contentType(file.mime),
    "content-disposition": contentDisposition(file.fileName, file.mime),
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    "cache-control": "private, no-store",
    "accept-ranges": "bytes",
    etag: attachmentEtag(file),
  };
}

/** Text was checked to be UTF-8 by the sniffer unless it names another charset. */
function contentType(mime: string): string {
  const isText = mime.startsWith("text/") || mime === "image/svg+xml" ||
    mime === "application/xml";
  return isText && !mime.includes("charset=") ? `${mime}; charset=utf-8` : mime;
}

/** `inline` for raster images, `attachment` for all else; an ASCII name and the UTF-8 one. */
export function contentDisposition(fileName: string, mime: string): string {
  const name = sanitiseFileName(fileName); // again: a stored name must never break a header
  const disposition = INLINE_TYPES.has(mime.split(";")[0].trim()) ? "inline" : "attachment";
  return `${disposition}; filename="${asciiFallback(name)}"; filename*=UTF-8''${
    encodeAttrChars(name)
  }`;
}

/** For clients without RFC 8187: accents dropped, other non-ASCII and `"` `\` `%` as `_`. */
function asciiFallback(name: string): string {
  return name.normalize("NFKD").replace(/\p{M}/gu, "").replace(/[^\x20-\x7e]|["\\%]/g, "_");
}

/** RFC 8187 percent-encoding: everything outside attr-char, which lacks `'`, `(`, `)`, `*`. */
function encodeAttrChars(name: string): string {
  return encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
