import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as tus from "tus-js-client";
import { openSegment, SEALED_SEGMENT_BYTES, segmentCount } from "../crypto/segments.ts";
import type { CompletedUpload } from "./deps.ts";
import { startUploadHarness, type UploadHarness } from "./upload_harness.ts";

export const MB = 1024 * 1024;

function fileOf(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

function newUpload(
  h: UploadHarness,
  file: Uint8Array,
  options: Partial<tus.UploadOptions> = {},
): { upload: tus.Upload; done: Promise<string> } {
  let upload!: tus.Upload;
  const done = new Promise<string>((resolve, reject) => {
    upload = new tus.Upload(Buffer.from(file), {
      endpoint: h.endpoint,
      headers: { authorization: "Bearer 55" },
      metadata: { ticketId: "100", filename: "report.bin", filetype: "application/pdf" },
      // A PATCH the client aborted may still be running on the server (409 until it ends).
      retryDelays: [0, 200, 500, 1000, 2000, 3000],
      onSuccess: () => resolve(upload.url!),
      onError: (error) => {
        console.error("tus-js-client error", String(error));
        reject(error);
      },
      ...options,
    });
  });
  return { upload, done };
}

async function uploadWhole(h: UploadHarness, file: Uint8Array, options = {}) {
  const { upload, done } = newUpload(h, file, options);
  upload.start();
  return await done;
}

/** The stored object, opened segment by segment with the attachment's key. */
async function plaintextOf(h: UploadHarness, completed: CompletedUpload): Promise<Uint8Array> {
  const key = await h.openKey({ ...completed });
  const sealed = await h.deps.store.get(completed.objectKey);
  assert.ok(sealed, "the object exists");
  const count = segmentCount(completed.size);
  const out = new Uint8Array(completed.size);
  for (let i = 0; i < count; i++) {
    const segment = sealed.subarray(i * SEALED_SEGMENT_BYTES, (i + 1) * SEALED_SEGMENT_BYTES);
    out.set(openSegment(key, i, segment, i === count - 1), i * 64 * 1024);
  }
  return out;
}

/** Like deepEqual, but names the first differing byte instead of diffing megabytes. */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array) {
  assert.equal(actual.length, expected.length, "length");
  const at = actual.findIndex((byte, i) => byte !== expected[i]);
  assert.equal(at, -1, `first difference at byte ${at}`);
}

async function withHarness(fn: (h: UploadHarness) => Promise<void>, options = {}) {
  const h = await startUploadHarness(options);
  try {
    await fn(h);
  } finally {
    await h.stop();
  }
}

Deno.test("tus-js-client - a 20 MB upload completes and its object decrypts to the file", async () => {
  await withHarness(async (h) => {
    const file = fileOf(20_000_000);
    await uploadWhole(h, file);
    assert.equal(h.completed.length, 1);
    const [completed] = h.completed;
    assert.equal(completed.size, file.length);
    assert.equal(completed.fileName, "report.bin");
    assertSameBytes(await plaintextOf(h, completed), file);
  });
});

/** Pauses (aborts) right after the first PATCH, before tus-js-client starts the next one. */
function pauseAfterFirstChunk(upload: tus.Upload, terminate = false): Promise<void> {
  return new Promise((resolve) => {
    upload.options.onChunkComplete = () => {
      upload.options.onChunkComplete = null;
      upload.abort(terminate).then(resolve);
    };
  });
}

Deno.test("tus-js-client - a paused upload resumes where it stopped", async () => {
  await withHarness(async (h) => {
    const file = fileOf(12 * MB, 2);
    const { upload, done } = newUpload(h, file, { chunkSize: 6 * MB });
    const paused = pauseAfterFirstChunk(upload);
    upload.start();
    await paused;
    const head = await fetch(upload.url!, { method: "HEAD", headers: tusHeaders() });
    assert.equal(head.status, 200, await head.text());
    assert.equal(head.headers.get("upload-offset"), String(6 * MB));
    upload.start();
    await done;
    await completion(h);
    assertSameBytes(await plaintextOf(h, h.completed[0]), file);
  });
});

Deno.test("tus-js-client - after a service restart the upload continues from the stored state", async () => {
  await withHarness(async (h) => {
    const file = fileOf(12 * MB, 3);
    const first = newUpload(h, file, { chunkSize: 6 * MB });
    const paused = pauseAfterFirstChunk(first.upload);
    first.upload.start();
    await paused;
    await h.restart();
    const second = newUpload(h, file, { uploadUrl: first.upload.url! });
    second.upload.start();
    await second.done;
    await completion(h);
    assert.equal(second.upload.url, first.upload.url, "the same upload was continued");
    assert.equal(h.completed.length, 1);
    assertSameBytes(await plaintextOf(h, h.completed[0]), file);
  });
});

Deno.test("tus-js-client - 1 MB chunks go through pending objects and none is left", async () => {
  await withHarness(async (h) => {
    const file = fileOf(10 * MB + 12_345, 4);
    await uploadWhole(h, file, { chunkSize: 1 * MB });
    assertSameBytes(await plaintextOf(h, h.completed[0]), file);
    assert.deepEqual(await filesUnder(h, "pending"), []);
  });
});

Deno.test("tus-js-client - creation-with-upload finishes a small file in the POST", async () => {
  await withHarness(async (h) => {
    const file = fileOf(100_000, 5);
    await uploadWhole(h, file, { uploadDataDuringCreation: true });
    assertSameBytes(await plaintextOf(h, h.completed[0]), file);
  });
});

Deno.test("tus-js-client - a zero-byte file completes as one empty sealed segment", async () => {
  await withHarness(async (h) => {
    await uploadWhole(h, new Uint8Array(0));
    const [completed] = h.completed;
    assert.equal(completed.size, 0);
    assert.equal(await h.deps.store.size(completed.objectKey), 16);
    assert.deepEqual(await plaintextOf(h, completed), new Uint8Array(0));
  });
});

Deno.test("tus-js-client - termination removes the upload and its parts", async () => {
  await withHarness(async (h) => {
    const file = fileOf(12 * MB, 6);
    const { upload } = newUpload(h, file, { chunkSize: 9 * MB });
    const paused = pauseAfterFirstChunk(upload);
    upload.start();
    await paused;
    assert.equal((await filesUnder(h, "uploads")).length > 0, true);
    await tus.Upload.terminate(upload.url!, { headers: { authorization: "Bearer 55" } });
    const head = await fetch(upload.url!, { method: "HEAD", headers: tusHeaders() });
    assert.equal(head.status, 404);
    assert.deepEqual(await filesUnder(h, "uploads"), []);
    assert.deepEqual(await filesUnder(h, "pending"), []);
    assert.equal(h.completed.length, 0);
  });
});

/** Waits for `onComplete`: a client may learn from HEAD that every byte is in before it ran. */
async function completion(h: UploadHarness, count = 1): Promise<void> {
  for (let i = 0; i < 100 && h.completed.length < count; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(h.completed.length, count);
}

export function tusHeaders(user = "55"): Record<string, string> {
  return { "tus-resumable": "1.0.0", authorization: `Bearer ${user}` };
}

/** Files s3rver holds under a path containing `part` (unfinished uploads, pending objects). */
export async function filesUnder(h: UploadHarness, part: string): Promise<string[]> {
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
