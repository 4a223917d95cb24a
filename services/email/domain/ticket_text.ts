/**
 * A mail's subject and body as ticket text: what the ticket core accepts (no control or
 * bidirectional override characters, a one-line subject, never empty) and within its limits.
 * Cutting is marked, so nobody mistakes a clipped mail for a whole one.
 * @module
 */

export interface TicketTextLimits {
  maxSubjectChars: number;
  maxBodyChars: number;
}

// deno-lint-ignore no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/gu;
const CLIPPED = "\n\n[... the rest of this mail was cut: it is kept whole with the ticket]";

/** The ticket subject of a mail subject. */
export function ticketSubject(subject: string, limits: TicketTextLimits): string {
  const line = subject.replace(CONTROL, "").replace(BIDI, "").replace(
    /[\r\n\u2028\u2029\t]+/gu,
    " ",
  )
    .replace(/\s+/gu, " ").trim();
  return clip(line.isWellFormed() ? line : line.toWellFormed(), limits.maxSubjectChars, "...") ||
    "(no subject)";
}

/** The ticket body of a mail's text. */
export function ticketBody(text: string, limits: TicketTextLimits): string {
  const clean = text.replace(/\r\n?/g, "\n").replace(CONTROL, "").toWellFormed().normalize("NFC")
    .trim();
  return clip(clean, limits.maxBodyChars, CLIPPED) || "(empty message)";
}

/** At most `max` code points, ending in `mark` when cut. */
function clip(value: string, max: number, mark: string): string {
  const points = [...value];
  if (points.length <= max) return value;
  return points.slice(0, Math.max(0, max - [...mark].length)).join("") + mark;
}
