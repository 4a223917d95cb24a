/**
 * Custom fields: a per-deployment schema of named, typed fields, and the pure check of a patch
 * against it. `null` in a patch clears a field.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";

export type FieldValue = string | number | boolean | null;

export type FieldRule =
  | { type: "text"; required?: boolean; maxLength?: number }
  | { type: "number"; required?: boolean; min?: number; max?: number; integer?: boolean }
  | { type: "boolean"; required?: boolean }
  | { type: "choice"; required?: boolean; options: string[] }
  | { type: "date"; required?: boolean };

export type CustomFieldSchema = Readonly<Record<string, FieldRule>>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Throws `invalid_custom_field` unless every entry of `patch` fits `schema`. */
export function checkCustomFields(
  schema: CustomFieldSchema,
  patch: Record<string, FieldValue>,
  { creating }: { creating: boolean },
): void {
  for (const [name, value] of Object.entries(patch)) {
    const rule = Object.hasOwn(schema, name) ? schema[name] : undefined;
    if (!rule) fail("invalid_custom_field", `Unknown custom field "${name}"`, 422, { field: name });
    if (value === null) {
      if (rule.required) invalid(name, "is required and cannot be cleared");
      continue;
    }
    checkValue(name, rule, value);
  }
  if (!creating) return;
  for (const [name, rule] of Object.entries(schema)) {
    if (rule.required && (patch[name] ?? null) === null) invalid(name, "is required");
  }
}

function checkValue(name: string, rule: FieldRule, value: string | number | boolean): void {
  switch (rule.type) {
    case "text":
      if (typeof value !== "string") return invalid(name, "must be text");
      if (rule.maxLength !== undefined && [...value].length > rule.maxLength) {
        invalid(name, `must be at most ${rule.maxLength} characters`);
      }
      return;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return invalid(name, "must be a number");
      }
      if (rule.integer && !Number.isInteger(value)) invalid(name, "must be a whole number");
      if (rule.min !== undefined && value < rule.min) invalid(name, `must be at least ${rule.min}`);
      if (rule.max !== undefined && value > rule.max) invalid(name, `must be at most ${rule.max}`);
      return;
    case "boolean":
      if (typeof value !== "boolean") invalid(name, "must be true or false");
      return;
    case "choice":
      if (typeof value !== "string" || !rule.options.includes(value)) {
        invalid(name, `must be one of ${rule.options.join(", ")}`);
      }
      return;
    case "date":
      if (typeof value !== "string" || !DATE.test(value) || Number.isNaN(Date.parse(value))) {
        invalid(name, "must be a date like 2026-12-31");
      }
  }
}

function invalid(name: string, problem: string): never {
  fail("invalid_custom_field", `Custom field "${name}" ${problem}`, 422, { field: name });
}
