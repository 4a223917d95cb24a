/**
 * Zip containers told apart by their first entries' names: Office Open XML (docx, xlsx, pptx),
 * OpenDocument and EPUB (a stored `mimetype` entry first), Java archives, else plain zip.
 * @module
 */
import type { SniffedType } from "./sniff.ts";

const LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
const MAX_ENTRIES = 32;
const OOXML = "application/vnd.openxmlformats-officedocument.";
const OOXML_PARTS: [prefix: string, mime: string][] = [
  ["word/", `${OOXML}wordprocessingml.document`],
  ["xl/", `${OOXML}spreadsheetml.sheet`],
  ["ppt/", `${OOXML}presentationml.presentation`],
];

/** The type of a zip from the local headers found in its first bytes. */
export function sniffZip(b: Uint8Array): SniffedType {
  const entries = localEntries(b);
  for (const [prefix, mime] of OOXML_PARTS) {
    if (entries.some((e) => e.name.startsWith(prefix))) return { mime, kind: "office" };
  }
  const declared = entries[0]?.name === "mimetype" ? entries[0].storedText : "";
  if (declared.startsWith("application/vnd.oasis.opendocument.")) {
    return { mime: declared, kind: "office" };
  }
  if (declared === "application/epub+zip") return { mime: declared, kind: "archive" };
  if (entries.some((e) => e.name === "META-INF/MANIFEST.MF")) {
    return { mime: "application/java-archive", kind: "archive" };
  }
  return { mime: "application/zip", kind: "archive" };
}

interface LocalEntry {
  name: string;
  /** The first bytes of a stored (uncompressed) entry as text; "" otherwise. */
  storedText: string;
}

/**
 * Scans for local file headers rather than walking sizes, because a streamed zip records its
 * sizes after the data (general flag bit 3) and its headers say 0.
 */
function localEntries(b: Uint8Array): LocalEntry[] {
  const entries: LocalEntry[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i + 30 <= b.length && entries.length < MAX_ENTRIES; i++) {
    if (!LOCAL_HEADER.every((byte, k) => b[i + k] === byte)) continue;
    const nameLength = view.getUint16(i + 26, true);
    const extraLength = view.getUint16(i + 28, true);
    const nameEnd = i + 30 + nameLength;
    if (nameEnd > b.length) break;
    const name = new TextDecoder().decode(b.subarray(i + 30, nameEnd));
    const stored = view.getUint16(i + 8, true) === 0;
    const dataStart = nameEnd + extraLength;
    const size = Math.min(view.getUint32(i + 18, true), 100);
    const storedText = stored && dataStart + size <= b.length
      ? new TextDecoder().decode(b.subarray(dataStart, dataStart + size))
      : "";
    entries.push({ name, storedText });
    i = nameEnd - 1;
  }
  return entries;
}
