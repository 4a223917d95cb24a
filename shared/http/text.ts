/**
 * Text fields as zod schemas: refused when they carry lone surrogates or control characters,
 * normalised to NFC, limited in characters. HTML is just text here: it is stored and returned
 * as is, and never rendered as markup by Ticketd.
 * @module
 */
import { z } from "zod";

// C0 controls except tab, line feed and carriage return; DEL; C1 controls.
// deno-lint-ignore no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
const LINE_BREAK = /[\r\n\u2028\u2029]/u;
// Bidirectional overrides and isolates make "invoice\u202Egnp.exe" read as "invoiceexe.png".
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;

/** True for a short machine value (id, tag, filter): well formed, no control characters at all. */
export function isPlainValue(value: string): boolean {
  return value.isWellFormed() && !CONTROL.test(value) && !/[\t\r\n]/.test(value);
}

/** A short machine string (external id, tag, field value) of 1..`maxChars` UTF-16 units. */
export function plainString(maxChars: number) {
  return z.string().min(1).max(maxChars).refine(
    isPlainValue,
    "must not contain control characters",
  );
}

/** A text field of 1..`maxChars` characters (code points) after NFC normalisation. */
export function text(maxChars: number, { singleLine = false } = {}) {
  return z.string().check((ctx) => {
    const value = ctx.value;
    const problem = !value.isWellFormed()
      ? "contains a lone surrogate"
      : CONTROL.test(value)
      ? "contains control characters"
      : singleLine && LINE_BREAK.test(value)
      ? "must be a single line"
      : singleLine && BIDI_CONTROL.test(value)
      ? "contains bidirectional override characters"
      : null;
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: value });
  }).transform((value) => value.normalize("NFC")).pipe(
    z.string().refine((v) => v.trim().length > 0, "must not be empty").refine(
      (v) => [...v].length <= maxChars,
      `must be at most ${maxChars} characters`,
    ),
  );
}
