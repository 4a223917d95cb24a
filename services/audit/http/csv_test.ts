import { equal } from "node:assert/strict";
import { csvCell, csvLine } from "./csv.ts";

Deno.test("csvCell - cells a spreadsheet would run as formulas are prefixed with a quote", () => {
  equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  equal(csvCell("+1+1"), "'+1+1");
  equal(csvCell("-2+3"), "'-2+3");
  equal(csvCell("@SUM(A1)"), "'@SUM(A1)");
  equal(csvCell("\tcmd"), "'\tcmd");
  equal(csvCell("\rcmd"), `"'\rcmd"`);
});

Deno.test("csvCell - plain text, numbers and nulls pass; commas and quotes are quoted", () => {
  equal(csvCell("alice"), "alice");
  equal(csvCell(42), "42");
  equal(csvCell(null), "");
  equal(csvCell('a,"b"'), '"a,""b"""');
  equal(csvLine(["a", 1, null]), "a,1,\r\n");
});
