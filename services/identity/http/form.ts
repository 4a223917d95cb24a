/**
 * Reading `application/x-www-form-urlencoded` bodies (the OAuth endpoints) strictly: media type,
 * size and time limits, and no parameter twice (RFC 6749 §3.1).
 * @module
 */
import type { Context } from "hono";
import { fail } from "@ticketd/shared/errors.ts";
import { readBody } from "@ticketd/shared/http/body.ts";

export interface FormLimits {
  maxRequestBytes: number;
  bodyTimeoutMs: number;
}

/** The form parameters of `c`; throws `invalid_request` (or 413/415/408) on any defect. */
export async function readForm(c: Context, limits: FormLimits): Promise<Map<string, string>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded\s*(?:;|$)/i.test(type)) {
    fail("invalid_request", "Send the parameters as application/x-www-form-urlencoded", 415);
  }
  const text = await readText(c.req.raw.body, limits);
  return uniqueParams(new URLSearchParams(text));
}

/** The parameters as a map; `invalid_request` when one is repeated. */
export function uniqueParams(params: URLSearchParams): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of params) {
    if (map.has(name)) fail("invalid_request", `The parameter ${name} is given twice`, 400);
    map.set(name, value);
  }
  return map;
}

async function readText(
  body: ReadableStream<Uint8Array> | null,
  { maxRequestBytes, bodyTimeoutMs }: FormLimits,
): Promise<string> {
  const bytes = await readBody(body, { maxBytes: maxRequestBytes, timeoutMs: bodyTimeoutMs });
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    fail("invalid_request", "The body is not valid UTF-8", 400);
  }
}
