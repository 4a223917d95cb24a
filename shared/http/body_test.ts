import assert from "node:assert/strict";
import { readBody } from "./body.ts";

const limits = { maxBytes: 16, timeoutMs: 1_000 };

function streamOf(chunks: string[], then: "close" | "error") {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      if (then === "close") controller.close();
      else controller.error(new Deno.errors.BadResource("Cannot read request body"));
    },
  });
}

Deno.test("readBody - a whole body within the limits is read", async () => {
  const bytes = await readBody(streamOf(["a=", "b"], "close"), limits);
  assert.equal(new TextDecoder().decode(bytes), "a=b");
});

Deno.test("readBody - a client gone mid-body is 400 body_incomplete, not a server error", async () => {
  await assert.rejects(readBody(streamOf(["a=b"], "error"), limits), {
    code: "body_incomplete",
    status: 400,
  });
});

Deno.test("readBody - more than maxBytes is 413", async () => {
  await assert.rejects(readBody(streamOf(["0123456789", "0123456789"], "close"), limits), {
    code: "request_too_large",
    status: 413,
  });
});
