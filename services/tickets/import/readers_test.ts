import assert from "node:assert/strict";
import { countRows, csvRows, formatOf, jsonLineRows, readRows, type SourceRow } from "./readers.ts";

async function* chunks(...parts: string[]) {
  yield* parts;
}

async function all(rows: AsyncIterable<SourceRow>) {
  const out = [];
  for await (const row of rows) out.push(row);
  return out;
}

Deno.test("jsonLineRows - reads objects across chunk boundaries and skips blank lines", async () => {
  const rows = await all(jsonLineRows(chunks('{"id":1}\r\n\n{"id"', ':2}\n{"id":3}')));
  assert.deepEqual(rows, [
    { index: 0, line: 1, record: { id: 1 } },
    { index: 1, line: 3, record: { id: 2 } },
    { index: 2, line: 4, record: { id: 3 } },
  ]);
});

Deno.test("jsonLineRows - a bad line becomes an error row and reading goes on", async () => {
  const rows = await all(jsonLineRows(chunks('{"id":1\n[1]\n{"id":2}\n')));
  assert.match(rows[0].error!, /not valid JSON/);
  assert.match(rows[1].error!, /not an object/);
  assert.deepEqual(rows[2].record, { id: 2 });
});

Deno.test("csvRows - names fields by the header and flags records that are too long", async () => {
  const rows = await all(csvRows(chunks("id, title\n1,Hello\n2\n3,a,b\n")));
  assert.deepEqual(rows[0].record, { id: "1", title: "Hello" });
  assert.deepEqual(rows[1].record, { id: "2", title: "" });
  assert.match(rows[2].error!, /3 fields/);
  assert.equal(rows[2].index, 2);
});

Deno.test("readRows - streams a file and countRows counts its records", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(path, 'id,body\n1,"two\nlines"\n2,x\n');
    assert.equal(formatOf(path), "csv");
    assert.equal(formatOf("a/b.jsonl"), "jsonl");
    assert.equal(await countRows(path), 2);
    const rows = await all(readRows(path));
    assert.equal(rows[0].record!.body, "two\nlines");
  } finally {
    await Deno.remove(path);
  }
});
