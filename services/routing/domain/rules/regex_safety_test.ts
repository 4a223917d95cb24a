import assert from "node:assert/strict";
import { compileRegex, regexHazard } from "./regex_safety.ts";

const MAX = 500;

function hazard(pattern: string, flags = ""): string | undefined {
  assert.equal(typeof compileRegex(pattern, flags), "object", `/${pattern}/ should compile`);
  return regexHazard(pattern, flags, MAX);
}

const nested = [
  "(a+)+",
  "(a*)*",
  "(\\w+\\s?)+",
  "([a-zA-Z]+)*",
  "(\\w+\\.\\w+)+",
  "(a\\w+b)+",
  "(.*a){12}",
  "(?:\\s*\\w+)+",
];
for (const pattern of nested) {
  Deno.test(`regexHazard - refuses the nested quantifiers of /${pattern}/`, () => {
    assert.match(hazard(pattern) ?? "", /nests quantifiers|can match nothing/);
  });
}

for (const pattern of ["(a|a)*", "(a|ab)*", "(a|aa)+", "(\\w|\\d)+", "(?:foo|fa)*"]) {
  Deno.test(`regexHazard - refuses the overlapping alternatives repeated in /${pattern}/`, () => {
    assert.match(hazard(pattern) ?? "", /alternatives that can match the same text/);
  });
}

for (const pattern of ["(a?a?){13}$", "(?:a|b?)+c", "(a?)*b", "(\\s*)+x"]) {
  Deno.test(`regexHazard - refuses /${pattern}/, whose repeated part can match nothing`, () => {
    assert.ok(hazard(pattern));
  });
}

Deno.test("regexHazard - refuses overlapping quantified atoms inside a quantified group", () => {
  assert.match(hazard("(?:x\\d+\\d+y)+") ?? "", /same characters in a row/);
  assert.ok(hazard("(\\d+\\d+)+"));
});

for (
  const pattern of ["\\d+\\d+x", "\\d+\\s*\\d+", ".*foo.*x", "\\d+.\\d+", "error.*timeout.*code"]
) {
  Deno.test(`regexHazard - refuses /${pattern}/, whose neighbouring quantifiers cost cubic time`, () => {
    assert.match(hazard(pattern) ?? "", /same characters in a row/);
  });
}

for (const pattern of ["(a)\\1", "(?<word>\\w)\\k<word>"]) {
  Deno.test(`regexHazard - refuses the backreference in /${pattern}/`, () => {
    assert.match(hazard(pattern) ?? "", /backreference/);
  });
}

Deno.test("regexHazard - case folding makes (a|A)+ overlap under the i flag", () => {
  assert.equal(hazard("(a|A)+"), undefined);
  assert.match(hazard("(a|A)+", "i") ?? "", /alternatives/);
});

Deno.test("regexHazard - refuses a pattern longer than the limit", () => {
  assert.match(regexHazard("a".repeat(MAX + 1), "", MAX) ?? "", /longer than 500 characters/);
  assert.equal(regexHazard("a".repeat(MAX), "", MAX), undefined);
});

const safe = [
  "^\\d{3}-\\d{4}$",
  "(foo|bar)+",
  "[a-z]+@[a-z]+\\.com",
  "error\\s+code\\s+\\d+",
  "(\\d{1,3}\\.){3}\\d{1,3}",
  "(a+b)+",
  "\\d+(,\\d+)*",
  "(\\s*,\\s*\\w+)*",
  "timeout after \\d+ ?ms",
  "(?:\\d{3})+",
  "崩溃|闪退|数据丢失",
  "(\\w|-)+",
  "^[\\p{L}]+$",
  "\\bcrash(es|ed)?\\b",
  "(?<=order )#\\d+",
  "(https?|ftp)://[^\\s]+",
  "error.*timeout",
  "[^\\]]+",
  "\\s*\\w+\\s*",
];
for (const pattern of safe) {
  Deno.test(`regexHazard - accepts the safe pattern /${pattern}/`, () => {
    assert.equal(hazard(pattern), undefined);
  });
}

Deno.test("regexHazard - its premise holds on the engine: (a+)+ backtracks far longer than (a+b)+", () => {
  // The analyser's premise, checked on the engine: (a+)+ on 26 a's and a miss takes far longer
  // than the linear (a+b)+ on 100,000.
  const slow = new RegExp("^(a+)+$", "u");
  let start = performance.now();
  slow.test("a".repeat(22) + "!");
  const exponential = performance.now() - start;
  start = performance.now();
  new RegExp("^(a+b)+$", "u").test("ab".repeat(50_000) + "!");
  assert.ok(exponential > performance.now() - start, "(a+)+ should be the slower one");
});

Deno.test("compileRegex - names the engine's complaint for an invalid pattern", () => {
  const result = compileRegex("(unclosed", "");
  assert.equal(typeof result, "string");
  assert.match(result as string, /Invalid regular expression/);
});
