import { deepEqual, equal } from "node:assert/strict";
import { csvExportStream } from "./csv_export.ts";

function exportOf(
  pages: (number[] | Error)[],
  archivedBefore: string | null = null,
  failures: [string, number][] = [],
) {
  let read = 0;
  return csvExportStream<number>({
    columns: ["n"],
    readPage: () => {
      const page = pages[read++];
      if (page instanceof Error) return Promise.reject(page);
      return Promise.resolve({ rows: page, last: read === pages.length });
    },
    cells: (n) => [n],
    cursorOf: (n) => `after-${n}`,
    archivedBefore,
    failed: (error, count) => failures.push([(error as Error).message, count]),
  });
}

Deno.test("csvExportStream - a whole export ends with #end and its number of entries", async () => {
  const text = await new Response(exportOf([[1, 2], [3]])).text();
  equal(text, "n\r\n1\r\n2\r\n3\r\n#end,3 entries\r\n");
});

Deno.test("csvExportStream - the end line says when older entries are only in the archive", async () => {
  const text = await new Response(exportOf([[]], "2026-03-05T10:00:00.000Z")).text();
  equal(text, "n\r\n#end,0 entries,archived before 2026-03-05T10:00:00.000Z\r\n");
});

Deno.test(
  "csvExportStream - a page that fails ends the file with #error, the count and the resume cursor",
  async () => {
    const failures: [string, number][] = [];
    const pages = [[1, 2], new Error("connection lost"), [3]];
    const text = await new Response(exportOf(pages, null, failures)).text();
    equal(text, "n\r\n1\r\n2\r\n#error,export_failed,2 entries,after-2\r\n");
    deepEqual(failures, [["connection lost", 2]]);
  },
);
