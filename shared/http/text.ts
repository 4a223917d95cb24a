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

/** A text field of 1..`maxChars` characters (code points) after NFC normalisation. */
export function text(maxChars: number, { singleLine = false } = {}) {
  return z.string().check((ctx) => {
    const value = ctx.value;
    if (!value.isWellFormed()) {
      ctx.issues.push({ code: "custom", message: "contains a lone surrogate", input: value });
    } else if (CONTROL.test(value)) {
      ctx.issues.push({ code: "custom", message: "contains control characters", input: value });
    } else if (singleLine && LINE_BREAK.test(value)) {
      ctx.issues.push({ code: "custom", message: "must be a single line", input: value });
    }
  }).transform((value) => value.normalize("NFC")).pipe(
    z.string().refine((v) => v.trim().length > 0, "must not be empty").refine(
      (v) => [...v].length <= maxChars,
      `must be at most ${maxChars} characters`,
    ),
  );
}
