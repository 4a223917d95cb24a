/**
 * Making source text acceptable to the tickets API without losing more than it must: control
 * characters out, line breaks folded in subjects, lengths cut at grapheme boundaries, tags
 * reduced to the tag rule. Each function says what it changed, for the import summary.
 * @module
 */

/** Text after cleaning, and the names of the changes made (`subject_truncated`, ...). */
export interface Cleaned<T = string> {
  value: T;
  changes: string[];
}

// ANSI escape sequences (colours in pasted build logs): dropped whole, not just their ESC.
// deno-lint-ignore no-control-regex -- finding control characters is the point
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;
// C0 controls except tab, LF and CR; DEL; C1 controls (the API's rule, shared/http/text.ts).
// deno-lint-ignore no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;
// Anything that breaks or spaces a line: folded to one space in a subject.
const SPACING = /[\s\u0085\u2028\u2029]+/gu;
const TAG = /^[\p{L}\p{N}][\p{L}\p{N}_.:-]{0,63}$/u;
const MAX_TAG_UNITS = 64; // the request schema counts UTF-16 units, the tag rule code points

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** `text` well-formed, NFC, without ANSI sequences and control characters (tab/CR/LF kept). */
export function plain(text: string): Cleaned {
  const changes: string[] = [];
  const wellFormed = text.toWellFormed();
  if (wellFormed !== text) changes.push("lone_surrogates_replaced");
  const stripped = wellFormed.replace(ANSI, "").replace(/\u0085/g, "\n").replace(CONTROL, "");
  if (stripped !== wellFormed) changes.push("control_chars_stripped");
  return { value: stripped.normalize("NFC"), changes };
}

/** At most `max` code points of `text`, cut at a grapheme boundary, `tail` appended when cut. */
export function truncate(text: string, max: number, tail: string): string {
  if (codePoints(text) <= max) return text;
  const room = max - codePoints(tail);
  let out = "";
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const size = codePoints(segment);
    if (used + size > room) break;
    out += segment;
    used += size;
  }
  return out + tail;
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A one-line subject of 1..`max` characters; falls back to the body's first line. */
export function cleanSubject(raw: string, body: string, max: number): Cleaned {
  const folded = (text: string) => plain(text).value.replace(SPACING, " ").trim();
  const changes = plain(raw).changes;
  let value = folded(raw);
  if (/[\r\n\t\u0085\u2028\u2029]/u.test(raw)) changes.push("subject_whitespace_folded");
  if (value === "") {
    value = folded(body.split(/\r?\n|\r/).find((line) => folded(line) !== "") ?? "");
    value = value || "(no subject)";
    changes.push("subject_missing");
  }
  const cut = truncate(value, max, "…");
  if (cut !== value) changes.push("subject_truncated");
  return { value: cut, changes };
}

/** A body of 1..`max` characters; an empty one becomes "(no description)". */
export function cleanBody(raw: string, max: number): Cleaned {
  const { value, changes } = plain(raw);
  if (value.trim() === "") return { value: "(no description)", changes: ["body_missing"] };
  const length = codePoints(value);
  const note = `\n\n[Truncated on import: the original has ${length} characters.]`;
  const cut = truncate(value, max, note);
  return { value: cut, changes: cut === value ? changes : [...changes, "body_truncated"] };
}

/** `raw` as a valid tag (lower case, `_ . : -`, starting with a letter or digit), or null. */
export function cleanTag(raw: string): string | null {
  let tag = plain(raw).value.normalize("NFC").toLowerCase().trim().replace(/\s+/gu, "-");
  tag = tag.replace(/[^\p{L}\p{N}_.:-]/gu, "").replace(/^[^\p{L}\p{N}]+/u, "");
  while (tag.length > MAX_TAG_UNITS || !TAG.test(tag)) {
    if (tag === "") return null;
    tag = [...tag].slice(0, -1).join("");
  }
  return tag;
}

/** Valid, de-duplicated tags, at most `max`; says which were dropped or changed. */
export function cleanTags(raw: string[], max: number): Cleaned<string[]> {
  const tags = new Set<string>();
  const changes = new Set<string>();
  for (const candidate of raw) {
    const tag = cleanTag(candidate);
    if (tag === null) changes.add("tag_dropped");
    else if (tag !== candidate.toLowerCase()) changes.add("tag_cleaned");
    if (tag !== null) tags.add(tag);
  }
  const value = [...tags].slice(0, max);
  if (value.length < tags.size) changes.add("tags_over_limit");
  return { value, changes: [...changes] };
}
