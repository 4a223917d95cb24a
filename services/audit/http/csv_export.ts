/**
 * A CSV export streamed page by page, with a last line that says how it ended, so a client
 * never mistakes a cut-short file for a whole one:
 *
 * - `#end,<n> entries` (and `,archived before <time>` when older entries of the range are only
 *   in the archive) after the last row: the export is complete;
 * - `#error,export_failed,<rows so far>,<cursor to resume after>` when reading a page failed:
 *   the rows above are right but the export stopped there.
 *
 * A file without either last line was cut off in transit. Every data row starts with its entry's
 * time (a digit), so no entry can pass for a last line.
 * @module
 */
import { csvLine, type CsvValue } from "@ticketd/shared/csv/csv.ts";

export interface CsvExport<Row> {
  columns: readonly string[];
  /** Up to a page of rows after `after` (null: from the start); fewer than a page: the end. */
  readPage: (after: Row | null) => Promise<{ rows: Row[]; last: boolean }>;
  cells: (row: Row) => CsvValue[];
  /** The opaque cursor to resume after `row`. */
  cursorOf: (row: Row) => string;
  /** Shown in the end line: before this time entries of the range may be only in the archive. */
  archivedBefore: string | null;
  /** Told of a page that failed after `count` rows were sent (the file ends with `#error`). */
  failed: (error: unknown, count: number) => void;
}

/** The export as a byte stream: header, rows, then the end or error line. */
export function csvExportStream<Row>(csv: CsvExport<Row>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: Row | null = null;
  let count = 0;
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        return controller.enqueue(encoder.encode(csvLine(csv.columns)));
      }
      let page: { rows: Row[]; last: boolean };
      try {
        page = await csv.readPage(after);
      } catch (error) {
        csv.failed(error, count);
        const resume = after === null ? "" : csv.cursorOf(after);
        controller.enqueue(encoder.encode(`#error,export_failed,${count} entries,${resume}\r\n`));
        return controller.close();
      }
      count += page.rows.length;
      if (page.rows.length > 0) after = page.rows.at(-1)!;
      const lines = page.rows.map((row) => csvLine(csv.cells(row))).join("");
      if (!page.last) return controller.enqueue(encoder.encode(lines));
      const archived = csv.archivedBefore ? `,archived before ${csv.archivedBefore}` : "";
      controller.enqueue(encoder.encode(`${lines}#end,${count} entries${archived}\r\n`));
      controller.close();
    },
  });
}
