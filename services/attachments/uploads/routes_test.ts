import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { fail } from "@ticketd/shared/errors.ts";
import { startUploadHarness, type UploadHarness } from "./upload_harness.ts";
import { UploadSweeper } from "./sweeper.ts";

const MB = 1024 * 1024;
const TICKET_100 = `ticketId ${btoa("100")},filename ${btoa("a.bin")}`;

function headers(extra: Record<string, string> = {}, user = "55"): Record<string, string> {
  return { "tus-resumable": "1.0.0", authorization: `Bearer ${user}`, ...extra };
}

async function create(h: UploadHarness, length: number, user = "55"): Promise<string> {
  const response = await fetch(h.endpoint, {
    method: "POST",
    headers: headers({ "upload-length": String(length), "upload-metadata": TICKET_100 }, user),
  });
  assert.equal(response.status, 201, await response.text());
  return new URL(response.headers.get("location")!, h.endpoint).href;
}

function patch(url: string, offset: number, body: BodyInit, extra: Record<string, string> = {}) {
  return fetch(url, {
    method: "PATCH",
    headers: headers({
      "content-type": "application/offset+octet-stream",
      "upload-offset": String(offset),
      ...extra,
    }),
    body,
  });
}

async function offsetOf(url: string): Promise<number> {
  const head = await fetch(url, { method: "HEAD", headers: headers() });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("cache-control"), "no-store");
  return Number(head.headers.get("upload-offset"));
}

async function withHarness(fn: (h: UploadHarness) => Promise<void>, options = {}) {
  const h = await startUploadHarness(options);
  try {
    await fn(h);
  } finally {
    await h.stop();
  }
}

function bytes(length: number, seed = 9): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length }, (_, i) => (i * 131 + seed) & 0xff);
}

Deno.test("tus OPTIONS - names version, extensions, max size and checksum algorithms", async () => {
  await withHarness(async (h) => {
    const response = await fetch(h.endpoint, { method: "OPTIONS" });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("tus-version"), "1.0.0");
    assert.match(response.headers.get("tus-extension")!, /creation-with-upload.*termination/);
    assert.match(response.headers.get("tus-checksum-algorithm")!, /sha1/);
    assert.ok(Number(response.headers.get("tus-max-size")) > 0);
  });
});

Deno.test("tus - a request without Tus-Resumable is 412", async () => {
  await withHarness(async (h) => {
    const response = await fetch(h.endpoint, { method: "POST", headers: { "upload-length": "1" } });
    assert.equal(response.status, 412);
    assert.equal(response.headers.get("tus-version"), "1.0.0");
    assert.equal((await response.json()).code, "tus_version_unsupported");
  });
});

Deno.test("tus POST - a file over the size limit is 413 file_too_large", async () => {
  await withHarness(async (h) => {
    const response = await fetch(h.endpoint, {
      method: "POST",
      headers: headers({ "upload-length": String(10 * MB), "upload-metadata": TICKET_100 }),
    });
    assert.equal(response.status, 413);
    assert.equal((await response.json()).code, "file_too_large");
  }, { settings: { maxFileBytes: 5 * MB } });
});

Deno.test("tus POST - a ticket the caller may not see is 404 ticket_not_found", async () => {
  await withHarness(async (h) => {
    const response = await fetch(h.endpoint, {
      method: "POST",
      headers: headers({ "upload-length": "10", "upload-metadata": `ticketId ${btoa("999")}` }),
    });
    assert.equal(response.status, 404);
    assert.equal((await response.json()).code, "ticket_not_found");
  });
});

Deno.test("tus - another user cannot read, continue or terminate an upload (404)", async () => {
  await withHarness(async (h) => {
    const url = await create(h, 100);
    const other = headers({}, "66");
    assert.equal((await fetch(url, { method: "HEAD", headers: other })).status, 404);
    assert.equal((await fetch(url, { method: "DELETE", headers: other })).status, 404);
    const stolen = await fetch(url, {
      method: "PATCH",
      headers: {
        ...other,
        "content-type": "application/offset+octet-stream",
        "upload-offset": "0",
      },
      body: bytes(10),
    });
    assert.equal(stolen.status, 404);
    await stolen.body?.cancel();
    assert.equal(await offsetOf(url), 0);
  });
});

Deno.test("tus PATCH - a wrong Upload-Offset is 409 and stores nothing", async () => {
  await withHarness(async (h) => {
    const url = await create(h, 100);
    const response = await patch(url, 5, bytes(10));
    assert.equal(response.status, 409);
    assert.equal((await response.json()).code, "offset_mismatch");
    assert.equal(await offsetOf(url), 0);
  });
});

Deno.test("tus PATCH - a checksum mismatch is 460 and a good checksum is accepted", async () => {
  await withHarness(async (h) => {
    const url = await create(h, 100);
    const chunk = bytes(100);
    const wrong = await patch(url, 0, chunk, { "upload-checksum": `sha1 ${btoa("x".repeat(20))}` });
    assert.equal(wrong.status, 460);
    assert.equal((await wrong.json()).code, "checksum_mismatch");
    assert.equal(await offsetOf(url), 0);
    const unknown = await patch(url, 0, chunk, { "upload-checksum": `crc32 ${btoa("x")}` });
    assert.equal(unknown.status, 400);
    await unknown.body?.cancel();
    const digest = btoa(String.fromCharCode(...createHash("sha1").update(chunk).digest()));
    const good = await patch(url, 0, chunk, { "upload-checksum": `sha1 ${digest}` });
    assert.equal(good.status, 204);
    assert.equal(h.completed.length, 1);
  });
});

Deno.test("tus PATCH - a dropped connection keeps what arrived and HEAD resumes from it", async () => {
  await withHarness(async (h) => {
    const file = bytes(3 * MB + 777);
    const url = await create(h, file.length);
    const sent = 200_000 + 123; // three whole segments and a partial one
    const abort = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(file.slice(0, sent)), // never closed
    });
    const request = fetch(url, {
      method: "PATCH",
      headers: headers({ "content-type": "application/offset+octet-stream", "upload-offset": "0" }),
      body,
      signal: abort.signal,
    }).catch(() => null);
    await new Promise((r) => setTimeout(r, 300));
    abort.abort();
    await request;
    let offset = 0;
    for (let i = 0; i < 50 && offset === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      offset = await offsetOf(url);
    }
    assert.equal(offset, sent);
    const rest = await patch(url, offset, file.slice(offset));
    assert.equal(rest.status, 204, await rest.text());
    assert.equal(h.completed.length, 1);
    assert.equal(h.completed[0].size, file.length);
  });
});

Deno.test("tus PATCH - two clients racing one offset: one wins, the other gets 409", async () => {
  await withHarness(async (h) => {
    const url = await create(h, 2 * MB);
    let release!: () => void;
    const slow = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(bytes(100_000));
        await new Promise<void>((r) => release = r);
        controller.enqueue(bytes(100_000, 3));
        controller.close();
      },
    });
    const first = patch(url, 0, slow);
    await new Promise((r) => setTimeout(r, 200));
    const second = await patch(url, 0, bytes(1000));
    release();
    const winner = await first;
    assert.equal(winner.status, 204);
    assert.equal(second.status, 409);
    assert.match((await second.json()).code, /upload_locked|upload_conflict/);
    assert.equal(await offsetOf(url), 200_000);
  });
});

Deno.test("UploadSweeper - an expired upload's parts, pending data and state are removed", async () => {
  let now = Date.now();
  await withHarness(async (h) => {
    const url = await create(h, 20 * MB);
    assert.equal((await patch(url, 0, bytes(9 * MB))).status, 204); // one part and a pending object
    assert.ok((await s3Files(h, "uploads")).length > 0);
    assert.ok((await s3Files(h, "pending")).length > 0);
    now += 25 * 60 * 60 * 1000;
    assert.equal((await fetch(url, { method: "HEAD", headers: headers() })).status, 410);
    const sweeper = new UploadSweeper(h.deps);
    sweeper.start();
    assert.equal(await sweeper.sweep(), 1);
    await sweeper.stop();
    assert.deepEqual(await s3Files(h, "uploads"), []);
    assert.deepEqual(await s3Files(h, "pending"), []);
    assert.equal((await fetch(url, { method: "HEAD", headers: headers() })).status, 404);
  }, { now: () => now });
});

Deno.test("tus - inspectStart refusing the first bytes is 415 and the upload is gone", async () => {
  const inspectStart = (first: Uint8Array) => {
    if (first[0] === 0x4d) fail("type_not_allowed", "Executables are not accepted", 415);
  };
  await withHarness(async (h) => {
    // A file larger than a segment is inspected while it streams; a smaller one when it ends.
    for (const length of [100_000, 2_004]) {
      const url = await create(h, length);
      const exe = bytes(length);
      exe[0] = 0x4d;
      const response = await patch(url, 0, exe);
      assert.equal(response.status, 415);
      assert.equal((await response.json()).code, "type_not_allowed");
      assert.equal((await fetch(url, { method: "HEAD", headers: headers() })).status, 404);
      assert.deepEqual(await s3Files(h, "uploads"), []);
    }
  }, { inspectStart });
});

Deno.test("tus - onComplete refusing a duplicate answers its code and removes the object", async () => {
  const onComplete = () => fail("duplicate_attachment", "This file is attached already", 409);
  await withHarness(async (h) => {
    const url = await create(h, 1000);
    const response = await patch(url, 0, bytes(1000));
    assert.equal(response.status, 409);
    assert.equal((await response.json()).code, "duplicate_attachment");
    assert.equal(await h.deps.store.get(`attachments/acme/${url.split("/").pop()}`), null);
  }, { onComplete });
});

/** Files s3rver holds under a path containing `part`. */
async function s3Files(h: UploadHarness, part: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (path.slice(h.s3.directory.length).includes(part)) found.push(path);
    }
  };
  await walk(h.s3.directory);
  return found;
}
