import assert from "node:assert/strict";
import { createLogger } from "@ticketd/shared/log/logger.ts";
import { parseClamavAddress } from "./clamav_settings.ts";
import { EICAR, startFakeClamd } from "./fake_clamd.ts";
import { createScanner, scanStatusOf } from "./scanner.ts";

function capturedLog() {
  const lines: string[] = [];
  const log = createLogger("info", {}, {
    write: (b) => Promise.resolve(lines.push(new TextDecoder().decode(b))),
  });
  return { log, text: async () => (await log.flush(), lines.join("")) };
}

Deno.test("createScanner - without a clamd socket, files are unscanned and the start says so", async () => {
  const { log, text } = capturedLog();
  const scanner = createScanner(undefined, log);
  let cancelled = false;
  const source = new ReadableStream<Uint8Array>({ cancel: () => void (cancelled = true) });
  const result = await scanner.scanStream(source);
  assert.deepEqual(result, { verdict: "unscanned", reason: "not_configured" });
  assert.ok(cancelled);
  assert.match(await text(), /malware scanning is off: TICKETD_CLAMAV_SOCKET is not set/);
});

Deno.test("createScanner - with a clamd socket, an infected file becomes quarantined", async () => {
  const fake = await startFakeClamd({ transport: "unix" });
  try {
    const { log, text } = capturedLog();
    const settings = {
      address: parseClamavAddress(fake.socket),
      timeoutMs: 2000,
      maxStreamBytes: 1000,
    };
    const scanner = createScanner(settings, log);
    const result = await scanner.scanStream(new Blob([EICAR]).stream());
    assert.equal(scanStatusOf(result), "quarantined");
    assert.match(await text(), /malware scanning through clamd.*"clamd":"unix:\//);
  } finally {
    await fake.stop();
  }
});

Deno.test("scanStatusOf - clean, infected, failed and unscanned map to the attachment's status", () => {
  assert.equal(scanStatusOf({ verdict: "clean" }), "clean");
  assert.equal(scanStatusOf({ verdict: "infected", signature: "x" }), "quarantined");
  assert.equal(scanStatusOf({ verdict: "failed", reason: "x" }), "scan_failed");
  assert.equal(scanStatusOf({ verdict: "unscanned", reason: "too_large" }), "unscanned");
});
