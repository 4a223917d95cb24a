/**
 * What a file is, read from its first bytes (magic numbers), never from the client's Content-Type
 * or name. Text that a browser would run (HTML, SVG, XML) is told apart from plain text so that
 * downloads can force it to be saved rather than shown.
 * @module
 */
import { sniffText } from "./sniff_text.ts";
import { sniffZip } from "./sniff_zip.ts";

export type ContentKind = "image" | "pdf" | "office" | "archive" | "text" | "media" | "unknown";

export interface SniffedType {
  mime: string;
  kind: ContentKind;
}

/** How many leading bytes {@link sniffType} wants (fewer is fine: it decides on what it gets). */
export const SNIFF_BYTES = 8192;

export const EXECUTABLE_MIME = "application/x-executable";
const UNKNOWN: SniffedType = { mime: "application/octet-stream", kind: "unknown" };

type Rule = [test: (b: Uint8Array) => boolean, type: SniffedType];
const at = (offset: number, ...bytes: number[]) => (b: Uint8Array) =>
  bytes.every((byte, i) => b[offset + i] === byte);
const ascii = (offset: number, text: string) =>
  at(offset, ...[...text].map((c) => c.charCodeAt(0)));
const riff = (form: string) => (b: Uint8Array) => ascii(0, "RIFF")(b) && ascii(8, form)(b);
const type = (mime: string, kind: ContentKind): SniffedType => ({ mime, kind });
const executable = type(EXECUTABLE_MIME, "unknown");

/** Fixed signatures, checked in order; the first match wins. */
const RULES: Rule[] = [
  [at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), type("image/png", "image")],
  [at(0, 0xff, 0xd8, 0xff), type("image/jpeg", "image")],
  [(b) => ascii(0, "GIF87a")(b) || ascii(0, "GIF89a")(b), type("image/gif", "image")],
  [riff("WEBP"), type("image/webp", "image")],
  [isBmp, type("image/bmp", "image")],
  [
    (b) => at(0, 0x49, 0x49, 0x2a, 0)(b) || at(0, 0x4d, 0x4d, 0, 0x2a)(b),
    type("image/tiff", "image"),
  ],
  [ascii(0, "%PDF-"), type("application/pdf", "pdf")],
  [
    at(0, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1),
    type("application/x-ole-storage", "office"),
  ],
  [at(0, 0x1f, 0x8b, 0x08), type("application/gzip", "archive")],
  [at(0, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c), type("application/x-7z-compressed", "archive")],
  [at(0, 0x52, 0x61, 0x72, 0x21, 0x1a, 0x07), type("application/vnd.rar", "archive")],
  [at(0, 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00), type("application/x-xz", "archive")],
  [
    (b) => ascii(0, "BZh")(b) && b[3] >= 0x31 && b[3] <= 0x39,
    type("application/x-bzip2", "archive"),
  ],
  [ascii(257, "ustar"), type("application/x-tar", "archive")],
  [isMp3, type("audio/mpeg", "media")],
  [ascii(0, "OggS"), type("audio/ogg", "media")],
  [ascii(0, "fLaC"), type("audio/flac", "media")],
  [riff("WAVE"), type("audio/wav", "media")],
  [riff("AVI "), type("video/x-msvideo", "media")],
  [at(0, 0x1a, 0x45, 0xdf, 0xa3), type("video/webm", "media")], // Matroska; see below
  [ascii(4, "ftyp"), type("video/mp4", "media")], // ISO media; brand refined below
  [ascii(0, "MZ"), executable], // Windows PE (and DOS)
  [at(0, 0x7f, 0x45, 0x4c, 0x46), executable], // ELF
  [isMachO, executable],
  [at(0, 0x00, 0x61, 0x73, 0x6d), executable], // WebAssembly
  [at(0, 0x4c, 0, 0, 0, 0x01, 0x14, 0x02, 0), executable], // Windows shortcut (.lnk)
];

/** The type of a file from its first bytes (up to {@link SNIFF_BYTES}; an empty file is text). */
export function sniffType(firstBytes: Uint8Array): SniffedType {
  if (isZip(firstBytes)) return sniffZip(firstBytes);
  const rule = RULES.find(([test]) => test(firstBytes));
  if (rule) return refine(rule[1], firstBytes);
  return sniffText(firstBytes) ?? UNKNOWN;
}

function refine(found: SniffedType, b: Uint8Array): SniffedType {
  if (found.mime === "video/mp4") return isoMedia(b);
  if (found.mime === "video/webm" && !latin1(b, 0, 64).includes("webm")) {
    return type("video/x-matroska", "media");
  }
  return found;
}

/** ISO base media files name their family in the `ftyp` brand. */
function isoMedia(b: Uint8Array): SniffedType {
  const brand = latin1(b, 8, 12);
  if (brand === "M4A " || brand === "M4B ") return type("audio/mp4", "media");
  if (brand === "qt  ") return type("video/quicktime", "media");
  if (["heic", "heix", "mif1", "msf1"].includes(brand)) return type("image/heic", "image");
  if (brand === "avif") return type("image/avif", "image");
  return type("video/mp4", "media");
}

function isZip(b: Uint8Array): boolean {
  return b[0] === 0x50 && b[1] === 0x4b && [3, 5, 7].includes(b[2]) && b[3] === b[2] + 1;
}

/** "BM" alone is too weak: the reserved words are zero and the DIB header has a known size. */
function isBmp(b: Uint8Array): boolean {
  if (!ascii(0, "BM")(b) || b.length < 18) return false;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return view.getUint32(6, true) === 0 &&
    [12, 40, 52, 56, 64, 108, 124].includes(view.getUint32(14, true));
}

/**
 * An ID3 tag, or an MPEG layer III frame sync with a valid bitrate and sample rate. Layer III
 * only, because a layer I sync (FF FE) is also the UTF-16 little-endian byte order mark.
 */
function isMp3(b: Uint8Array): boolean {
  if (ascii(0, "ID3")(b)) return true;
  if (b.length < 4 || b[0] !== 0xff || (b[1] & 0xe6) !== 0xe2) return false;
  const bitrate = b[2] >> 4;
  return bitrate !== 0 && bitrate !== 0xf && (b[2] >> 2 & 0x3) !== 0x3;
}

/** 32- and 64-bit, both byte orders, and universal ("fat") binaries. */
const MACH_O = [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe];

function isMachO(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  return MACH_O.includes(new DataView(b.buffer, b.byteOffset, 4).getUint32(0));
}

function latin1(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}
