/**
 * Streaming record readers for JSON Lines and CSV files: one {@link SourceRow} at a time, in
 * file order, so a file of any size is read in constant memory.
 * @module
 */
import { CsvParser } from "./csv.ts";

export type SourceFormat = "jsonl" | "csv";

/** One record of a source file; `error` instead of `record` when the line cannot be read. */
export interface SourceRow {
  /** 0-based position among the file's records (blank lines do not count). */
  index: number;
  /** 1-based line the record starts on. */
  line: number;
  record?: Record<string, unknown>;
  error?: string;
}

/** The format named by a file's extension: `.csv` is CSV, anything else JSON Lines. */
export function formatOf(path: string): SourceFormat {
  return /\.csv$/i.test(path) ? "csv" : "jsonl";
}

/** The rows of `path`, streamed. */
export function readRows(path: string, format = formatOf(path)): AsyncGenerator<SourceRow> {
  return format === "csv" ? csvRows(textChunks(path)) : jsonLineRows(textChunks(path));
}

/** How many rows `path` has (a full streaming pass, for progress totals). */
export async function countRows(path: string, format = formatOf(path)): Promise<number> {
  let count = 0;
  for await (const _ of readRows(path, format)) count++;
  return count;
}

async function* textChunks(path: string): AsyncGenerator<string> {
  const file = await Deno.open(path);
  yield* file.readable.pipeThrough(new TextDecoderStream());
}

/** Rows from JSON Lines text: one object per line; blank lines are skipped. */
export async function* jsonLineRows(chunks: AsyncIterable<string>): AsyncGenerator<SourceRow> {
  let index = 0;
  for await (const { text, line } of lines(chunks)) {
    if (text.trim() === "") continue;
    yield { index: index++, line, ...parseObject(text) };
  }
}

function parseObject(text: string): { record?: Record<string, unknown>; error?: string } {
  try {
    const value = JSON.parse(text);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      return { record: value };
    }
    return { error: "the line is JSON but not an object" };
  } catch (error) {
    return { error: `the line is not valid JSON: ${(error as Error).message}` };
  }
}

async function* lines(chunks: AsyncIterable<string>) {
  let rest = "";
  let line = 1;
  let first = true;
  for await (let chunk of chunks) {
    if (first && chunk.length > 0) {
      first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    rest += chunk;
    let start = 0;
    for (let end; (end = rest.indexOf("\n", start)) >= 0; start = end + 1) {
      yield { text: rest.slice(start, end).replace(/\r$/, ""), line: line++ };
    }
    rest = rest.slice(start);
  }
  if (rest !== "") yield { text: rest.replace(/\r$/, ""), line };
}

/** Rows from CSV text: the first record names the columns. */
export async function* csvRows(chunks: AsyncIterable<string>): AsyncGenerator<SourceRow> {
  const parser = new CsvParser();
  let header: string[] | undefined;
  let index = 0;
  const rows = function* (records: ReturnType<CsvParser["push"]>) {
    for (const { fields, line } of records) {
      if (!header) {
        header = fields.map((f) => f.trim());
        continue;
      }
      if (fields.length === 1 && fields[0] === "") continue;
      const record = Object.fromEntries(header.map((name, i) => [name, fields[i] ?? ""]));
      const error = fields.length > header.length
        ? `the record has ${fields.length} fields, the header ${header.length}`
        : undefined;
      yield error ? { index: index++, line, error } : { index: index++, line, record };
    }
  };
  for await (const chunk of chunks) yield* rows(parser.push(chunk));
  yield* rows(parser.end());
}
