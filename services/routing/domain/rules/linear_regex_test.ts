import assert from "node:assert/strict";
import { compileLinear } from "./linear_regex.ts";

Deno.test("compileLinear matches Chinese text and honours the i, m and s flags", () => {
  const crash = compileLinear("崩溃|闪退", "") as Exclude<ReturnType<typeof compileLinear>, string>;
  assert.equal(crash.find("打开大文件时崩溃了"), "崩溃");
  const word = compileLinear("^error$", "im") as Exclude<ReturnType<typeof compileLinear>, string>;
  assert.equal(word.find("first\nERROR\nlast"), "ERROR");
  const dot = compileLinear("a.b", "s") as Exclude<ReturnType<typeof compileLinear>, string>;
  assert.equal(dot.find("a\nb"), "a\nb");
});

Deno.test("compileLinear runs patterns that backtrack exponentially in JavaScript in linear time", () => {
  const started = performance.now();
  const nested = compileLinear("(a?a?){20}$", "") as Exclude<
    ReturnType<typeof compileLinear>,
    string
  >;
  assert.equal(nested.find("a".repeat(30) + "b"), "");
  const poly = compileLinear("(?:a|b?)+c", "") as Exclude<ReturnType<typeof compileLinear>, string>;
  assert.equal(poly.find("ab".repeat(2_000)), null);
  // JavaScript's engine takes seconds to minutes on these; RE2 a few milliseconds.
  assert.ok(performance.now() - started < 2_000);
});

Deno.test("compileLinear refuses backreferences and lookaround with RE2's reason", () => {
  assert.match(compileLinear("(a)\\1", "") as string, /invalid escape sequence/);
  assert.match(compileLinear("(?=a)b", "") as string, /unsupported Perl syntax/);
});
