import assert from "node:assert/strict";
import { createLogger, exitAfterFlush } from "./logger.ts";

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

Deno.test("createLogger - a stuck sink never holds more than the cap; drops are counted", async () => {
  const release = Promise.withResolvers<void>();
  const written: Uint8Array[] = [];
  const sink = { write: (c: Uint8Array) => (written.push(c), release.promise) };
  const log = createLogger("info", {}, sink);
  const line = "x".repeat(10_000);
  for (let i = 0; i < 2_000; i++) log.info(line);
  const flushed = log.flush();
  release.resolve();
  await flushed;
  log.info("after");
  await log.flush();
  const text = new TextDecoder().decode(new Uint8Array(written.flatMap((c) => [...c])));
  assert.ok(text.length < 9 * 1024 * 1024 + 20_000);
  assert.match(text, /"msg":"log lines dropped","count":\d+/);
});

Deno.test("exitAfterFlush - the buffered line is written before the exit is called", async () => {
  const { sink, lines } = memorySink();
  const log = createLogger("info", {}, sink);
  log.error("why we stop");
  let linesAtExit = -1;
  await exitAfterFlush(log, 70, (code) => {
    assert.equal(code, 70);
    linesAtExit = lines().length;
  });
  assert.equal(linesAtExit, 1);
});
