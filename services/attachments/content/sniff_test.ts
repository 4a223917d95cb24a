import assert from "node:assert/strict";
import { sniffType } from "./sniff.ts";

const bytes = (...items: (number | string)[]) =>
  new Uint8Array(
    items.flatMap((i) => typeof i === "number" ? [i] : [...i].map((c) => c.charCodeAt(0))),
  );
const text = (s: string) => new TextEncoder().encode(s);
const mimeOf = (b: Uint8Array) => sniffType(b).mime;

/** A zip local file header for `name`, stored, with `data`. */
function zipEntry(name: string, data = "", flags = 0): number[] {
  const header = new Uint8Array(30);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x04034b50, true);
  view.setUint16(6, flags, true);
  view.setUint32(18, flags & 8 ? 0 : data.length, true);
  view.setUint16(26, name.length, true);
  return [...header, ...text(name), ...text(data)];
}
const zip = (...entries: number[][]) => new Uint8Array(entries.flat());

Deno.test("sniffType - raster images are known by their signatures", () => {
  assert.deepEqual(sniffType(bytes(0x89, "PNG\r\n", 0x1a, "\n", 0, 0)), {
    mime: "image/png",
    kind: "image",
  });
  assert.equal(mimeOf(bytes(0xff, 0xd8, 0xff, 0xe0)), "image/jpeg");
  assert.equal(mimeOf(bytes("GIF89a", 1, 0)), "image/gif");
  assert.equal(mimeOf(bytes("RIFF", 0, 0, 0, 0, "WEBPVP8 ")), "image/webp");
  assert.equal(mimeOf(bytes("II*", 0, 8, 0, 0, 0)), "image/tiff");
  assert.equal(mimeOf(bytes("MM", 0, "*")), "image/tiff");
});

Deno.test("sniffType - a BMP needs its reserved zeros and a known DIB header size", () => {
  const bmp = bytes("BM", 0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0);
  assert.equal(mimeOf(bmp), "image/bmp");
  assert.equal(mimeOf(text("BMW owners' manual, chapter one")), "text/plain");
});

Deno.test("sniffType - PDF, gzip, 7z, RAR, xz and tar are known", async () => {
  assert.deepEqual(sniffType(text("%PDF-1.7\n")), { mime: "application/pdf", kind: "pdf" });
  const gz = await new Response(
    new Blob([text("hello")]).stream().pipeThrough(new CompressionStream("gzip")),
  ).bytes();
  assert.deepEqual(sniffType(gz), { mime: "application/gzip", kind: "archive" });
  assert.equal(mimeOf(bytes("7z", 0xbc, 0xaf, 0x27, 0x1c, 0, 4)), "application/x-7z-compressed");
  assert.equal(mimeOf(bytes("Rar!", 0x1a, 7, 1, 0)), "application/vnd.rar");
  assert.equal(mimeOf(bytes(0xfd, "7zXZ", 0)), "application/x-xz");
  const tar = new Uint8Array(512);
  tar.set(text("notes.txt"));
  tar.set(text("ustar"), 257);
  assert.deepEqual(sniffType(tar), { mime: "application/x-tar", kind: "archive" });
});

Deno.test("sniffType - a zip is told apart as docx, xlsx, pptx, OpenDocument, EPUB or plain zip", () => {
  const ooxml = (part: string) =>
    mimeOf(
      zip(zipEntry("[Content_Types].xml", "<Types/>"), zipEntry("_rels/.rels"), zipEntry(part)),
    );
  assert.match(ooxml("word/document.xml"), /wordprocessingml\.document$/);
  assert.match(ooxml("xl/workbook.xml"), /spreadsheetml\.sheet$/);
  assert.match(ooxml("ppt/presentation.xml"), /presentationml\.presentation$/);
  assert.equal(sniffType(zip(zipEntry("word/document.xml", "", 8))).kind, "office");
  const odt = zip(zipEntry("mimetype", "application/vnd.oasis.opendocument.text"));
  assert.deepEqual(sniffType(odt), {
    mime: "application/vnd.oasis.opendocument.text",
    kind: "office",
  });
  assert.equal(mimeOf(zip(zipEntry("mimetype", "application/epub+zip"))), "application/epub+zip");
  assert.deepEqual(sniffType(zip(zipEntry("photos/a.jpg"))), {
    mime: "application/zip",
    kind: "archive",
  });
  assert.equal(mimeOf(bytes("PK", 5, 6, 0, 0, 0, 0)), "application/zip"); // empty zip
});

Deno.test("sniffType - audio and video containers are media", () => {
  assert.equal(mimeOf(bytes("ID3", 4, 0)), "audio/mpeg");
  assert.equal(mimeOf(bytes(0xff, 0xfb, 0x90, 0x64)), "audio/mpeg");
  assert.equal(mimeOf(bytes(0, 0, 0, 0x20, "ftypisom")), "video/mp4");
  assert.equal(mimeOf(bytes(0, 0, 0, 0x20, "ftypM4A ")), "audio/mp4");
  assert.equal(mimeOf(bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84, "webm")), "video/webm");
  assert.equal(
    mimeOf(bytes(0x1a, 0x45, 0xdf, 0xa3, 0x42, 0x82, 0x88, "matroska")),
    "video/x-matroska",
  );
  assert.equal(mimeOf(bytes("OggS", 0, 2)), "audio/ogg");
  assert.equal(mimeOf(bytes("RIFF", 0x24, 0, 0, 0, "WAVEfmt ")), "audio/wav");
  assert.equal(sniffType(bytes("fLaC", 0, 0, 0, 0x22)).kind, "media");
});

Deno.test("sniffType - Windows, Linux and macOS executables are unknown executables", () => {
  for (
    const exe of [
      bytes("MZ", 0x90, 0, 3, 0),
      bytes(0x7f, "ELF", 2, 1, 1),
      bytes(0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1),
      bytes(0xfe, 0xed, 0xfa, 0xce, 0, 0, 0, 7),
      bytes(0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2),
      bytes(0, "asm", 1, 0, 0, 0),
    ]
  ) {
    assert.deepEqual(sniffType(exe), { mime: "application/x-executable", kind: "unknown" });
  }
});

Deno.test("sniffType - UTF-8 text, with or without a BOM, and UTF-16 with a BOM are text", () => {
  assert.deepEqual(sniffType(text("Grüße aus Köln\r\n\tzweite Zeile")), {
    mime: "text/plain",
    kind: "text",
  });
  assert.equal(mimeOf(bytes(0xef, 0xbb, 0xbf, "plain")), "text/plain");
  assert.equal(mimeOf(bytes(0xff, 0xfe, "h", 0, "i", 0)), "text/plain; charset=utf-16le");
  assert.equal(mimeOf(bytes(0xfe, 0xff, 0, "h", 0, "i")), "text/plain; charset=utf-16be");
  assert.equal(mimeOf(new Uint8Array(0)), "text/plain"); // a zero-byte file is harmless text
});

Deno.test("sniffType - a character cut off at the end of the sniffed prefix is still text", () => {
  const full = text("価格表 2024");
  assert.equal(mimeOf(full.subarray(0, 4)), "text/plain"); // "価" and one byte of "格"
});

Deno.test("sniffType - NUL, invalid UTF-8 or many control characters is not text", () => {
  assert.equal(sniffType(text("abc\u0000def")).kind, "unknown");
  assert.equal(sniffType(bytes("abc", 0xc3, 0x28, "def")).kind, "unknown");
  assert.equal(sniffType(bytes("ab", 1, 2, 3, "cd")).mime, "application/octet-stream");
  assert.equal(mimeOf(text("\u001b[31mred log line\u001b[0m\n")), "text/plain"); // ANSI colours
});

Deno.test("sniffType - HTML and SVG that a browser would run are named as such", () => {
  assert.deepEqual(sniffType(text("\n  <!DOCTYPE html><p>hi")), {
    mime: "text/html",
    kind: "text",
  });
  assert.equal(mimeOf(text("<HTML><body>")), "text/html");
  assert.equal(mimeOf(text("<script>alert(1)</script>")), "text/html");
  assert.equal(
    mimeOf(text("<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>")),
    "image/svg+xml",
  );
  assert.equal(mimeOf(text('<?xml version="1.0"?>\n<svg onload="x()"/>')), "image/svg+xml");
  assert.equal(mimeOf(bytes(0xef, 0xbb, 0xbf, "<svg/>")), "image/svg+xml");
  assert.equal(
    mimeOf(bytes(0xff, 0xfe, "<", 0, "s", 0, "v", 0, "g", 0)),
    "image/svg+xml; charset=utf-16le",
  );
  assert.equal(mimeOf(text('<?xml version="1.0"?><order/>')), "application/xml");
  assert.equal(mimeOf(text("a < b and <p> later")), "text/plain");
});
