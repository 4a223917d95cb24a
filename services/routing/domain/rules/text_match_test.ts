import assert from "node:assert/strict";
import { containsKeyword, normaliseKeyword, normaliseText } from "./text_match.ts";

function finds(text: string, keyword: string): boolean {
  return containsKeyword(normaliseText(text), normaliseKeyword(keyword));
}

Deno.test("containsKeyword - a Chinese keyword matches inside text without spaces", () => {
  assert.equal(finds("打开大文件时崩溃了", "崩溃"), true);
  assert.equal(finds("应用一打开就闪退", "闪退"), true);
  assert.equal(finds("升级后数据丢失，很着急", "数据丢失"), true);
  assert.equal(finds("打开大文件时很慢", "崩溃"), false);
});

Deno.test("containsKeyword - a Latin word matches whole words only", () => {
  assert.equal(finds("The app crashed on start", "crash"), false);
  assert.equal(finds("A crash on start", "crash"), true);
  assert.equal(finds("crash-report attached", "crash"), true);
  assert.equal(finds("error 500", "500"), true);
  assert.equal(finds("error 5000", "500"), false);
});

Deno.test("containsKeyword - matching ignores case and full width", () => {
  assert.equal(finds("ＣＲＡＳＨ when saving", "crash"), true);
  assert.equal(finds("Data LOSS after update", "data loss"), true);
  assert.equal(finds("data\n  loss", "Data Loss"), true);
});

Deno.test("containsKeyword - a Latin word next to Chinese is a whole word", () => {
  assert.equal(finds("打开app就崩溃", "app"), true);
  assert.equal(finds("打开apple就崩溃", "app"), false);
});
