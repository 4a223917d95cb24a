import { equal } from "node:assert/strict";
import { csvCell, csvLine } from "./csv.ts";

Deno.test("csvCell - text cells a spreadsheet would run as formulas are prefixed with a quote", () => {
  equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  equal(csvCell("+1+1"), "'+1+1");
  equal(csvCell("-2+3"), "'-2+3");
  equal(csvCell("@SUM(A1)"), "'@SUM(A1)");
  equal(csvCell("\tcmd"), "'\tcmd");
  equal(csvCell("\rcmd"), `"'\rcmd"`);
});

Deno.test("csvCell - numbers stay plain numbers, a negative one too; text that looks numeric is text", () => {
  equal(csvCell(-3), "-3");
  equal(csvCell(-0.25), "-0.25");
  equal(csvCell(1e21), "1e+21");
  equal(csvCell(Number.NaN), "");
  equal(csvCell("-3"), "'-3");
});

Deno.test("csvCell - plain text, numbers and nulls pass; commas and quotes are quoted", () => {
  equal(csvCell("alice"), "alice");
  equal(csvCell(42), "42");
  equal(csvCell(null), "");
  equal(csvCell('a,"b"'), '"a,""b"""');
  equal(csvLine(["a", 1, null]), "a,1,\r\n");
});
