/**
 * Tags are short labels: normalised to NFC lower case, letters, digits and `_ . : -`.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";

const TAG = /^[\p{L}\p{N}][\p{L}\p{N}_.:-]{0,63}$/u;

/** Normalised, de-duplicated tags; throws `invalid_tag` or `too_many_tags`. */
export function normaliseTags(tags: string[], max: number): string[] {
  const normalised = [...new Set(tags.map((t) => t.normalize("NFC").toLowerCase()))];
  const bad = normalised.find((t) => !TAG.test(t));
  if (bad !== undefined) {
    fail("invalid_tag", `Tag "${bad}" must be 1-64 letters, digits or _ . : -`, 422, { tag: bad });
  }
  if (normalised.length > max) fail("too_many_tags", `A ticket may carry at most ${max} tags`, 422);
  return normalised;
}
