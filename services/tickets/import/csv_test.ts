import assert from "node:assert/strict";
import { CsvError, CsvParser } from "./csv.ts";

function parse(text: string, chunkSize = text.length || 1) {
  const parser = new CsvParser();
  const out = [];
  for (let i = 0; i < text.length; i += chunkSize) {
    out.push(...parser.push(text.slice(i, i + chunkSize)));
  }
  return [...out, ...parser.end()];
}

Deno.test("CsvParser - splits plain fields and CRLF or LF records", () => {
  assert.deepEqual(parse("a,b\r\n1,2\n3,"), [
    { fields: ["a", "b"], line: 1 },
    { fields: ["1", "2"], line: 2 },
    { fields: ["3", ""], line: 3 },
  ]);
});

Deno.test("CsvParser - quoted fields keep commas, line breaks and doubled quotes", () => {
  const records = parse('id,text\r\n1,"say ""hi"", then\r\nleave"\r\n2,x\r\n');
  assert.deepEqual(records.map((r) => r.fields), [
    ["id", "text"],
    ["1", 'say "hi", then\r\nleave'],
    ["2", "x"],
  ]);
  assert.deepEqual(records.map((r) => r.line), [1, 2, 4]);
});

Deno.test("CsvParser - gives the same records however the text is chunked", () => {
  const text = '\ufeffa,b\n"x\ny","z"""\n"",q\n';
  const whole = parse(text);
  assert.deepEqual(whole[0].fields, ["a", "b"]);
  for (const size of [1, 2, 3, 5]) assert.deepEqual(parse(text, size), whole);
});

Deno.test("CsvParser - skips blank lines and keeps a stray quote in an unquoted field", () => {
  assert.deepEqual(parse('a\n\n5" disk,b\n').map((r) => r.fields), [["a"], ['5" disk', "b"]]);
});

Deno.test("CsvParser - an unterminated quoted field is an error naming its line", () => {
  assert.throws(
    () => parse('a\n"open\nfield'),
    (e) => e instanceof CsvError && /line 2/.test(e.message),
  );
});
