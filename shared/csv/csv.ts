/**
 * CSV cells safe to open in a spreadsheet. A text cell starting with `=`, `+`, `-`, `@`, a tab or
 * a carriage return is prefixed with `'` so it is never taken for a formula (OWASP's advice); a
 * number is written as the plain number it is (a negative one stays a number a sheet can sum).
 * Cells are quoted as RFC 4180 says when they hold a comma, a quote or a line break. The audit
 * export and the reports use it.
 * @module
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A cell value: text (defused), a finite number (plain), or null (empty). */
export type CsvValue = string | number | null;

/** One cell of `value`. A number that is not finite (NaN, Infinity) is written empty. */
export function csvCell(value: CsvValue): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (CRLF-terminated) of `values`. */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
