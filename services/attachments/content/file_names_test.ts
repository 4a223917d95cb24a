import assert from "node:assert/strict";
import { sanitiseFileName, uniqueFileName } from "./file_names.ts";

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

Deno.test("sanitiseFileName - path traversal keeps only the last component", () => {
  assert.equal(sanitiseFileName("../../etc/passwd"), "passwd");
  assert.equal(sanitiseFileName("..\\..\\boot.ini"), "boot.ini");
  assert.equal(sanitiseFileName("reports/2024/../q1.pdf"), "q1.pdf");
  assert.equal(sanitiseFileName(".."), "attachment");
  assert.equal(sanitiseFileName("../"), "attachment");
});

Deno.test("sanitiseFileName - absolute paths and drive letters are dropped", () => {
  assert.equal(sanitiseFileName("C:\\Windows\\x.exe"), "x.exe");
  assert.equal(sanitiseFileName("/abs/path.txt"), "path.txt");
  assert.equal(sanitiseFileName("C:evil.bat"), "evil.bat");
  assert.equal(sanitiseFileName("\\\\server\\share\\doc.txt"), "doc.txt");
});

Deno.test("sanitiseFileName - NUL and control characters are removed; line breaks become spaces", () => {
  assert.equal(sanitiseFileName("a\u0000b"), "ab");
  assert.equal(sanitiseFileName("evil.exe\u0000.png"), "evil.exe.png");
  assert.equal(sanitiseFileName("bell\u0007\u001b[31m.txt"), "bell[31m.txt");
  assert.equal(sanitiseFileName("two\r\nlines.txt"), "two lines.txt");
  assert.equal(sanitiseFileName("c1\u0085\u009bx.txt"), "c1 x.txt");
});

Deno.test("sanitiseFileName - bidi overrides, isolates and invisible characters are removed", () => {
  assert.equal(sanitiseFileName("invoice\u202Egnp.exe"), "invoicegnp.exe");
  assert.equal(
    sanitiseFileName("a\u2066b\u2067c\u2068d\u2069e\u202Af\u202Bg\u202Ch\u202D.txt"),
    "abcdefgh.txt",
  );
  assert.equal(sanitiseFileName("\uFEFFzero\u200Bwidth\u2060\u00AD.txt"), "zerowidth.txt");
  assert.equal(sanitiseFileName("مى\u200Cخواهم.txt"), "مى\u200Cخواهم.txt"); // Persian needs ZWNJ
  assert.equal(sanitiseFileName("lone\uD800surrogate.txt"), "lonesurrogate.txt");
});

Deno.test("sanitiseFileName - dots and spaces are trimmed at the ends and whitespace collapsed", () => {
  assert.equal(sanitiseFileName("  report .pdf. . "), "report .pdf");
  assert.equal(sanitiseFileName(".bashrc"), "bashrc");
  assert.equal(sanitiseFileName("a \t  b\u3000c.txt"), "a b c.txt");
  assert.equal(sanitiseFileName("..."), "attachment");
});

Deno.test("sanitiseFileName - characters Windows refuses become underscores", () => {
  assert.equal(sanitiseFileName('what? "really" <yes>|*.txt'), "what_ _really_ _yes___.txt");
  assert.equal(sanitiseFileName("notes.txt:secret"), "notes.txt_secret"); // NTFS stream
});

Deno.test("sanitiseFileName - reserved Windows device names get a suffix", () => {
  assert.equal(sanitiseFileName("CON"), "CON_");
  assert.equal(sanitiseFileName("nul.txt"), "nul_.txt");
  assert.equal(sanitiseFileName("COM1.tar.gz"), "COM1_.tar.gz");
  assert.equal(sanitiseFileName("lpt9"), "lpt9_");
  assert.equal(sanitiseFileName("console.txt"), "console.txt");
});

Deno.test("sanitiseFileName - names are NFC", () => {
  assert.equal(sanitiseFileName("cafe\u0301.txt"), "caf\u00e9.txt");
});

Deno.test("sanitiseFileName - a 300-character name is cut to 255 UTF-8 bytes keeping the extension", () => {
  const ascii = sanitiseFileName("a".repeat(300) + ".pdf");
  assert.equal(ascii.length, 255);
  assert.ok(ascii.endsWith("a.pdf"));
  const cjk = sanitiseFileName("文".repeat(300) + ".docx");
  assert.ok(utf8Bytes(cjk) <= 255);
  assert.equal(cjk, "文".repeat(83) + ".docx"); // 83 * 3 + 5 = 254
  const emoji = sanitiseFileName("👨‍👩‍👧".repeat(20) + ".png");
  assert.ok(utf8Bytes(emoji) <= 255);
  assert.match(emoji, /^(👨‍👩‍👧)+\.png$/u); // never cut inside a grapheme
  assert.equal(utf8Bytes(sanitiseFileName("x".repeat(300))), 255);
});

Deno.test("sanitiseFileName - empty, blank and missing names become 'attachment'", () => {
  assert.equal(sanitiseFileName(""), "attachment");
  assert.equal(sanitiseFileName("   "), "attachment");
  assert.equal(sanitiseFileName(undefined), "attachment");
  assert.equal(sanitiseFileName("\u202E\u0000"), "attachment");
  assert.equal(sanitiseFileName("/"), "attachment");
});

Deno.test("sanitiseFileName - a sanitised name is left as it is", () => {
  for (
    const raw of [
      "../../etc/passwd",
      " CON.txt ",
      "a".repeat(300) + ".pdf",
      "invoice\u202Egnp.exe",
      "Résumé (final).pdf",
    ]
  ) {
    const once = sanitiseFileName(raw);
    assert.equal(sanitiseFileName(once), once);
  }
});

Deno.test("uniqueFileName - a free name is kept; a taken one gets (2), (3)... case-insensitively", () => {
  assert.equal(uniqueFileName("scan.pdf", new Set()), "scan.pdf");
  const taken = new Set(["Scan.PDF"]);
  assert.equal(uniqueFileName("scan.pdf", taken), "scan (2).pdf");
  taken.add("scan (2).pdf");
  assert.equal(uniqueFileName("SCAN.pdf", taken), "SCAN (3).pdf");
  assert.equal(uniqueFileName("README", new Set(["readme"])), "README (2)");
  assert.equal(uniqueFileName("logs.tar.gz", new Set(["logs.tar.gz"])), "logs (2).tar.gz");
});

Deno.test("uniqueFileName - a numbered name of a long name still fits 255 bytes", () => {
  const long = sanitiseFileName("b".repeat(300) + ".txt");
  const next = uniqueFileName(long, new Set([long]));
  assert.equal(utf8Bytes(next), 255);
  assert.ok(next.endsWith("b (2).txt"));
});
