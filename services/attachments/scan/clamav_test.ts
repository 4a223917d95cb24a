import assert from "node:assert/strict";
import { CHUNK_BYTES, ClamavClient } from "./clamav.ts";
import { parseClamavAddress } from "./clamav_settings.ts";
import { EICAR, EICAR_SIGNATURE, type FakeClamdOptions, startFakeClamd } from "./fake_clamd.ts";
import type { FakeClamd } from "./fake_clamd.ts";

const text = (s: string) => new TextEncoder().encode(s);
async function* chunks(...parts: Uint8Array[]) {
  for (const part of parts) yield part;
}

async function withClamd(
  options: FakeClamdOptions,
  client: { timeoutMs?: number; maxStreamBytes?: number },
  fn: (clamav: ClamavClient, fake: FakeClamd) => Promise<void>,
): Promise<void> {
  const fake = await startFakeClamd(options);
  try {
    const clamav = new ClamavClient({
      address: parseClamavAddress(fake.socket),
      timeoutMs: client.timeoutMs ?? 5000,
      maxStreamBytes: client.maxStreamBytes ?? 1024 * 1024,
    });
    await fn(clamav, fake);
  } finally {
    await fake.stop();
  }
}

Deno.test("ClamavClient - a clean stream over TCP is clean", async () => {
  await withClamd({}, {}, async (clamav) => {
    assert.deepEqual(await clamav.scanStream(chunks(text("quarterly figures"))), {
      verdict: "clean",
    });
  });
});

Deno.test("ClamavClient - the EICAR test file over a unix socket is infected, with its signature", async () => {
  await withClamd({ transport: "unix" }, {}, async (clamav, fake) => {
    assert.ok(fake.socket.startsWith("/"));
    const result = await clamav.scanStream(chunks(text(EICAR)));
    assert.deepEqual(result, { verdict: "infected", signature: EICAR_SIGNATURE });
  });
});

Deno.test("ClamavClient - EICAR split across chunks is still found (the stream is framed, not cut)", async () => {
  await withClamd({}, {}, async (clamav) => {
    const bytes = text(`padding ${EICAR} padding`);
    const parts = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    assert.equal((await clamav.scanStream(chunks(...parts))).verdict, "infected");
  });
});

Deno.test("ClamavClient - a large chunk is sent as length-prefixed chunks of at most 64 KiB", async () => {
  await withClamd({}, {}, async (clamav, fake) => {
    const big = new Uint8Array(3 * CHUNK_BYTES + 5).fill(0x20);
    assert.equal((await clamav.scanStream(new Blob([big]).stream())).verdict, "clean");
    assert.deepEqual(fake.chunkLengths, [CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES, 5]);
  });
});

Deno.test("ClamavClient - a stream over the size limit is unscanned (too large), and the source is cancelled", async () => {
  await withClamd({}, { maxStreamBytes: 100_000 }, async (clamav, fake) => {
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(new Uint8Array(30_000)),
      cancel: () => void (cancelled = true),
    });
    assert.deepEqual(await clamav.scanStream(source), {
      verdict: "unscanned",
      reason: "too_large",
    });
    assert.ok(cancelled);
    assert.ok(fake.chunkLengths.reduce((a, b) => a + b, 0) <= 100_000);
  });
});

Deno.test("ClamavClient - a known size over the limit is unscanned without connecting", async () => {
  await withClamd({}, { maxStreamBytes: 10 }, async (clamav, fake) => {
    const result = await clamav.scanStream(chunks(new Uint8Array(11)), 11);
    assert.deepEqual(result, { verdict: "unscanned", reason: "too_large" });
    assert.equal(fake.connections, 0);
  });
});

Deno.test("ClamavClient - clamd's own size limit reply is read even though it hangs up mid-stream", async () => {
  await withClamd({ maxStreamBytes: 1000 }, { maxStreamBytes: 10_000_000 }, async (clamav) => {
    const result = await clamav.scanStream(new Blob([new Uint8Array(4 * CHUNK_BYTES)]).stream());
    assert.deepEqual(result, { verdict: "unscanned", reason: "too_large" });
  });
});

Deno.test("ClamavClient - a clamd that never answers fails the scan at the time limit", async () => {
  await withClamd({ silent: true }, { timeoutMs: 300 }, async (clamav) => {
    const started = performance.now();
    const result = await clamav.scanStream(chunks(text("hello")));
    assert.deepEqual(result, { verdict: "failed", reason: "clamd did not answer within 300 ms" });
    assert.ok(performance.now() - started < 2000);
  });
});

Deno.test("ClamavClient - no clamd listening fails the scan with the reason", async () => {
  const directory = await Deno.makeTempDir();
  try {
    const clamav = new ClamavClient({
      address: { transport: "unix", path: `${directory}/absent.sock` },
      timeoutMs: 1000,
      maxStreamBytes: 1000,
    });
    const result = await clamav.scanStream(chunks(text("x")));
    assert.equal(result.verdict, "failed");
    assert.match((result as { reason: string }).reason, /^clamd: /);
    assert.equal(await clamav.ping(), false);
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("ClamavClient - ping is answered by PONG", async () => {
  await withClamd({ transport: "unix" }, {}, async (clamav) => {
    assert.equal(await clamav.ping(), true);
  });
});
