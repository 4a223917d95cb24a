import assert from "node:assert/strict";
import { plainString, text } from "./text.ts";

const field = text(10);

Deno.test("text - composes to NFC and keeps emoji and CJK intact", () => {
  assert.equal(field.parse("e\u0301"), "\u00e9");
  assert.equal(field.parse("崩溃😀"), "崩溃😀");
});

Deno.test("text - refuses control characters but keeps tabs and line breaks", () => {
  assert.ok(!field.safeParse("a\u0000b").success);
  assert.ok(!field.safeParse("a\u001bb").success);
  assert.ok(!field.safeParse("a\u0085b").success);
  assert.equal(field.parse("a\tb\r\nc"), "a\tb\r\nc");
});

Deno.test("text - refuses lone surrogates", () => {
  assert.ok(!field.safeParse("a\ud800b").success);
});

Deno.test("text - counts characters, not UTF-16 units", () => {
  assert.ok(field.safeParse("😀".repeat(10)).success);
  assert.ok(!field.safeParse("😀".repeat(11)).success);
});

Deno.test("text - refuses blank text and, when single-line, line breaks", () => {
  assert.ok(!field.safeParse("   ").success);
  assert.ok(!text(10, { singleLine: true }).safeParse("a\nb").success);
});

Deno.test("text - keeps markup as plain text", () => {
  assert.equal(text(100).parse("<script>alert(1)</script>"), "<script>alert(1)</script>");
});

Deno.test("text - a single-line subject refuses bidirectional overrides; emoji joiners stay", () => {
  const subject = text(100, { singleLine: true });
  assert.ok(!subject.safeParse("invoice \u202Egnp.exe").success);
  assert.equal(subject.parse("family 👩‍👩‍👧"), "family 👩‍👩‍👧");
});

Deno.test("plainString - refuses NUL, tabs and other control characters", () => {
  const value = plainString(20);
  assert.ok(!value.safeParse("a\u0000b").success);
  assert.ok(!value.safeParse("a\tb").success);
  assert.equal(value.parse("jira:HADOOP-1"), "jira:HADOOP-1");
});
