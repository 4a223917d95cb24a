/**
 * Reading a request body with limits: at most `maxBytes`, within `timeoutMs`, so a client
 * trickling a body cannot hold a slot; a client that goes away mid-body is a 400, not an error.
 * @module
 */
import { fail } from "../errors.ts";

export interface BodyLimits {
  maxBytes: number;
  timeoutMs: number;
}

/** The whole body of a request (empty when there is none); throws 408, 413 or 400. */
export async function readBody(
  body: ReadableStream<Uint8Array> | null,
  { maxBytes, timeoutMs }: BodyLimits,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    reader.cancel().catch(() => {});
  }, timeoutMs);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read().catch(() => {
        if (timedOut) slow(timeoutMs);
        return fail("body_incomplete", "The request body ended before it was complete", 400);
      });
      if (timedOut) slow(timeoutMs);
      if (done) break;
      size += value.length;
      if (size > maxBytes) tooLarge(maxBytes);
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) bytes.set(chunk, offset), offset += chunk.length;
  return bytes;
}

function slow(timeoutMs: number): never {
  fail("request_timeout", `The body did not arrive within ${timeoutMs} ms`, 408, { timeoutMs });
}

/** The refusal of a body over `maxBytes` (also used when Content-Length says so up front). */
export function tooLarge(maxBytes: number): never {
  fail("request_too_large", `The body is larger than ${maxBytes} bytes`, 413, { maxBytes });
}
