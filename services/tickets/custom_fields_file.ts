/**
 * The custom field schema from `TICKETD_CUSTOM_FIELDS_FILE` (JSON: field name -> rule), checked
 * at start so a typo fails the start and not the first request.
 * @module
 */
import { z } from "zod";
import type { CustomFieldSchema } from "./domain/custom_fields.ts";
import { ConfigError } from "./config.ts";

const rule = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("text"),
    required: z.boolean().optional(),
    maxLength: z.number().int().positive().optional(),
  }),
  z.strictObject({
    type: z.literal("number"),
    required: z.boolean().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    integer: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal("boolean"), required: z.boolean().optional() }),
  z.strictObject({
    type: z.literal("choice"),
    required: z.boolean().optional(),
    options: z.array(z.string()).min(1),
  }),
  z.strictObject({ type: z.literal("date"), required: z.boolean().optional() }),
]);
const schema = z.record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), rule);

/** The schema in `path`, or no custom fields when `path` is unset. */
export async function loadCustomFields(path: string | undefined): Promise<CustomFieldSchema> {
  if (!path) return {};
  let json: unknown;
  try {
    json = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    const why = error instanceof SyntaxError
      ? "is not valid JSON"
      : `cannot be read (${(error as Error).name})`;
    throw new ConfigError(`TICKETD_CUSTOM_FIELDS_FILE: ${path} ${why}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      `${path}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}
