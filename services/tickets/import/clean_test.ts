import assert from "node:assert/strict";
import { cleanBody, cleanSubject, cleanTag, cleanTags, plain, truncate } from "./clean.ts";

Deno.test("plain - drops ANSI sequences and control characters, keeps tab and line breaks", () => {
  const cleaned = plain("\u001b[91mTraceback\u001b[0m\t1\r\n\u0008x\u0000");
  assert.equal(cleaned.value, "Traceback\t1\r\nx");
  assert.deepEqual(cleaned.changes, ["control_chars_stripped"]);
});

Deno.test("plain - replaces lone surrogates and composes to NFC", () => {
  assert.equal(plain("e\u0301\ud800").value, "\u00e9\ufffd");
});

Deno.test("truncate - cuts at a grapheme boundary and counts the tail in the limit", () => {
  assert.equal(truncate("abcdef", 4, "…"), "abc…");
  assert.equal(truncate("abc", 3, "…"), "abc");
  const family = "👨‍👩‍👧"; // one grapheme, five code points
  assert.equal(truncate(`a${family}b`, 6, "…"), "a…");
});

Deno.test("cleanSubject - folds line breaks and tabs to single spaces and trims", () => {
  const cleaned = cleanSubject("Update commons-cli\t\r\n  to 1.5.\t", "", 500);
  assert.equal(cleaned.value, "Update commons-cli to 1.5.");
  assert.deepEqual(cleaned.changes, ["subject_whitespace_folded"]);
});

Deno.test("cleanSubject - strips a leading backspace like HADOOP's", () => {
  assert.equal(cleanSubject("\u0008Potenail NPE", "", 500).value, "Potenail NPE");
});

Deno.test("cleanSubject - an empty subject takes the body's first non-empty line", () => {
  assert.equal(cleanSubject(" ", "\n\n  First line\nsecond", 500).value, "First line");
  assert.equal(cleanSubject("", "", 500).value, "(no subject)");
});

Deno.test("cleanSubject - a long subject ends in an ellipsis within the limit", () => {
  const cleaned = cleanSubject("崩".repeat(600), "", 500);
  assert.equal([...cleaned.value].length, 500);
  assert.ok(cleaned.value.endsWith("崩…"));
  assert.ok(cleaned.changes.includes("subject_truncated"));
});

Deno.test("cleanBody - an empty body becomes a placeholder", () => {
  assert.deepEqual(cleanBody(" \r\n", 100), {
    value: "(no description)",
    changes: ["body_missing"],
  });
});

Deno.test("cleanBody - an over-long body is cut with a note, within the limit", () => {
  const cleaned = cleanBody("x".repeat(300), 200);
  assert.equal([...cleaned.value].length, 200);
  assert.match(cleaned.value, /\[Truncated on import: the original has 300 characters\.\]$/);
  assert.deepEqual(cleaned.changes, ["body_truncated"]);
});

Deno.test("cleanTag - lower-cases, strips a leading * and joins words with -", () => {
  assert.equal(cleanTag("*english-please"), "english-please");
  assert.equal(cleanTag("Needs Triage"), "needs-triage");
  assert.equal(cleanTag("版本:1.2"), "版本:1.2");
  assert.equal(cleanTag("--"), null);
  assert.equal(cleanTag("a".repeat(80)), "a".repeat(64));
});

Deno.test("cleanTags - de-duplicates, reports drops and keeps at most max", () => {
  const cleaned = cleanTags(["*bug", "Bug", "***", "b", "c"], 2);
  assert.deepEqual(cleaned.value, ["bug", "b"]);
  assert.deepEqual(cleaned.changes.sort(), ["tag_cleaned", "tag_dropped", "tags_over_limit"]);
});
