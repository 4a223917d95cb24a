/**
 * Keyword matching in any script, on text normalised like search (NFKC, lower case): Chinese,
 * Japanese and Korean have no spaces, so a CJK keyword matches anywhere (崩溃 inside
 * 打开大文件时崩溃了); other words match whole, on letter and digit boundaries.
 * @module
 */
import { normaliseForSearch } from "@ticketd/shared/search/tokens.ts";

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Text prepared once for matching many keywords. */
export function normaliseText(text: string): string {
  return normaliseForSearch(text).replace(/\s+/gu, " ");
}

/** A keyword prepared like the text. */
export function normaliseKeyword(keyword: string): string {
  return normaliseText(keyword.trim());
}

/** True when the normalised `keyword` occurs in the normalised `text` as a keyword. */
export function containsKeyword(text: string, keyword: string): boolean {
  if (keyword === "") return false;
  for (let at = text.indexOf(keyword); at !== -1; at = text.indexOf(keyword, at + 1)) {
    if (boundaryBefore(text, at, keyword) && boundaryAfter(text, at + keyword.length, keyword)) {
      return true;
    }
  }
  return false;
}

// Latin next to CJK is a boundary (打开app崩溃 holds "app"); next to a letter or digit it is not.
function boundaryBefore(text: string, at: number, keyword: string): boolean {
  const head = String.fromCodePoint(keyword.codePointAt(0)!);
  if (isCjk(head) || !WORD_CHAR.test(head) || at === 0) return true;
  const before = lastCodePoint(text.slice(0, at));
  return !WORD_CHAR.test(before) || isCjk(before);
}

function boundaryAfter(text: string, end: number, keyword: string): boolean {
  const tail = lastCodePoint(keyword);
  if (isCjk(tail) || !WORD_CHAR.test(tail) || end >= text.length) return true;
  const after = String.fromCodePoint(text.codePointAt(end)!);
  return !WORD_CHAR.test(after) || isCjk(after);
}

function isCjk(char: string): boolean {
  return CJK.test(char);
}

function lastCodePoint(text: string): string {
  const chars = [...text.slice(-2)];
  return chars[chars.length - 1];
}
