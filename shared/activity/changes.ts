/**
 * A request body described as an ACTIVITY `changes` record: each top-level field by name, with
 * its new value when that is a number, a boolean, null or a short list of short strings, and as
 * `true` ("changed") otherwise, so free text (names, descriptions, rule keywords) is never kept.
 * @module
 */
import type { Activity } from "../events/activity.ts";

const MAX_LIST = 64;
const MAX_ITEM_CHARS = 64;

type Changes = NonNullable<Activity["changes"]>;

/** The fields of `body` (a JSON object) with the values it is safe to keep. */
export function describeChanges(body: unknown): Changes {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return {};
  const changes: Changes = {};
  for (const [field, value] of Object.entries(body).slice(0, MAX_LIST)) {
    changes[field.slice(0, 64)] = keptValue(value);
  }
  return changes;
}

function keptValue(value: unknown): Changes[string] {
  if (typeof value === "number" || typeof value === "boolean" || value === null) return value;
  const shortList = Array.isArray(value) && value.length <= MAX_LIST &&
    value.every((v) => typeof v === "string" && v.length <= MAX_ITEM_CHARS);
  return shortList ? value as string[] : true;
}
