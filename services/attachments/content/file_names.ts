/**
 * File names as people gave them, made safe to show and to save on any system. They are stored
 * apart from object keys (keys are ids only), so a name can never reach a path.
 * @module
 */

/** The name of a file whose given name sanitises to nothing. */
export const FALLBACK_NAME = "attachment";
/** The longest name most file systems take, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 255;

/** Invisible format characters (bidi overrides and isolates, zero-width, BOM, soft hyphen...). */
const FORMAT = /[\p{Cf}\p{Cs}]/gu;
/** Zero-width (non-)joiners are kept: Persian and Indic words and emoji sequences need them. */
const JOINERS = new Set(["\u200c", "\u200d"]);
const CONTROL = /[\p{Cc}]/gu;
const WHITESPACE_CONTROL = /[\t\n\v\f\r\u0085]/g;
/** Characters Windows refuses in names. */
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
const encoder = new TextEncoder();

/** `raw` as a safe display and download name; never empty (see {@link FALLBACK_NAME}). */
export function sanitiseFileName(raw: string | undefined): string {
  let name = (raw ?? "").replace(WHITESPACE_CONTROL, " ").replace(CONTROL, "");
  name = name.replace(FORMAT, (c) => JOINERS.has(c) ? c : "").normalize("NFC");
  name = lastComponent(name).replace(/^[A-Za-z]:/, "").replace(WINDOWS_FORBIDDEN, "_");
  name = trimEnds(name.replace(/\s+/gu, " "));
  if (name === "") return FALLBACK_NAME;
  return trimEnds(fitBytes(unreserved(name), MAX_NAME_BYTES)) || FALLBACK_NAME;
}

/**
 * `name`, or `name (2).ext`, `name (3).ext`... when `taken` already holds it, compared without
 * regard to case. The caller adds the answer to `taken`.
 */
export function uniqueFileName(name: string, taken: Set<string>): string {
  const lower = new Set([...taken].map((t) => t.toLowerCase()));
  if (!lower.has(name.toLowerCase())) return name;
  const { stem, extension } = splitExtension(name);
  for (let n = 2;; n++) {
    const suffix = ` (${n})${extension}`;
    const candidate = fitStem(stem, MAX_NAME_BYTES - bytes(suffix)) + suffix;
    if (!lower.has(candidate.toLowerCase())) return candidate;
  }
}

/** The part after the last `/` or `\`; `.` and `..` name nothing. */
function lastComponent(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? "";
  return last === "." || last === ".." ? "" : last;
}

/** Windows drops trailing dots and spaces; leading ones hide files on Unix. */
function trimEnds(name: string): string {
  return name.replace(/^[.\s]+|[.\s]+$/gu, "");
}

/** `CON.txt` opens the console on Windows: reserved device names get a `_`. */
function unreserved(name: string): string {
  const dot = name.indexOf(".");
  const base = dot === -1 ? name : name.slice(0, dot);
  return RESERVED.test(base.trimEnd()) ? `${base}_${name.slice(base.length)}` : name;
}

/** At most `limit` UTF-8 bytes, cutting the stem and keeping the extension when it fits. */
function fitBytes(name: string, limit: number): string {
  if (bytes(name) <= limit) return name;
  const { stem, extension } = splitExtension(name);
  const room = limit - bytes(extension);
  if (extension === "" || room < 1) return fitStem(name, limit);
  return fitStem(stem, room).replace(/[.\s]+$/u, "") + extension;
}

/** The longest prefix of `text` within `limit` bytes, cut between graphemes. */
function fitStem(text: string, limit: number): string {
  let out = "";
  for (const { segment } of new Intl.Segmenter("und", { granularity: "grapheme" }).segment(text)) {
    if (bytes(out + segment) > limit) break;
    out += segment;
  }
  return out;
}

/** `archive.tar.gz` splits as `archive` + `.tar.gz`; an extension is short and has no spaces. */
function splitExtension(name: string): { stem: string; extension: string } {
  const match = /^(.+?)((?:\.tar)?\.[^.\s]{1,16})$/iu.exec(name);
  return match ? { stem: match[1], extension: match[2] } : { stem: name, extension: "" };
}

function bytes(text: string): number {
  return encoder.encode(text).length;
}
