import assert from "node:assert/strict";
import { createLogger } from "./logger.ts";

function memorySink() {
  const chunks: Uint8Array[] = [];
  return {
    sink: { write: (c: Uint8Array) => Promise.resolve(chunks.push(c)) },
    lines: () =>
      new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c]))).trim().split("\n")
        .map((l) => JSON.parse(l)),
  };
}

Deno.test("createLogger - writes one JSON object per line with context fields", async () => {
  const { sink, lines } = memorySink();
  const log = createLogger("info", { service: "tickets" }, sink).with({ requestId: "r1" });
  log.info("request", { status: 201 });
  await log.flush();
  const [line] = lines();
  assert.equal(line.msg, "request");
  assert.equal(line.service, "tickets");
  assert.equal(line.requestId, "r1");
  assert.equal(line.status, 201);
  assert.match(line.ts, /Z$/);
});

Deno.test("createLogger - drops lines below the configured level", async () => {
  const { sink, lines } = memorySink();
  const log = createLogger("warn", {}, sink);
  log.info("quiet");
  log.warn("loud");
  await log.flush();
  assert.deepEqual(lines().map((l) => l.msg), ["loud"]);
});
