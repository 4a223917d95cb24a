/**
 * Reading a JSON request body strictly: media type, a size limit, well-formed UTF-8, valid JSON,
 * then a schema. Each failure has its own code, so clients can tell them apart.
 * @module
 */
import type { Context } from "hono";
import type { z } from "zod";
import { fail } from "../errors.ts";
import { readBody, tooLarge } from "./body.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The body of `c` parsed by `schema`; throws a 4xx `DomainError` on any defect. */
export async function readJson<S extends z.ZodType>(
  c: Context,
  schema: S,
  { maxBytes, timeoutMs }: { maxBytes: number; timeoutMs: number },
): Promise<z.infer<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    fail("unsupported_media_type", "Send the body as application/json", 415);
  }
  const declared = Number(c.req.header("content-length") ?? NaN);
  if (declared > maxBytes) tooLarge(maxBytes);
  const bytes = await readBody(c.req.raw.body, { maxBytes, timeoutMs });
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    fail("invalid_utf8", "The body is not valid UTF-8", 400);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail("malformed_json", `The body is not valid JSON: ${(error as Error).message}`, 400);
  }
  // A "__proto__" member would be dropped silently by schema checks (or worse, reach a prototype).
  if (text.includes('"__proto__"') && hasProtoKey(value)) {
    fail("forbidden_key", 'The body may not use "__proto__" as a member name', 400);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    const first = issues[0];
    fail("invalid_request", `${first.path || "body"}: ${first.message}`, 422, { issues });
  }
  return parsed.data;
}

function hasProtoKey(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === null || typeof item !== "object") continue;
    if (Object.hasOwn(item, "__proto__")) return true;
    stack.push(...Object.values(item));
  }
  return false;
}
