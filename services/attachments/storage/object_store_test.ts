import assert from "node:assert/strict";
import { startTestS3, type TestS3 } from "../testing/s3.ts";
import { ObjectStore, readAll } from "./object_store.ts";

async function withStore(fn: (store: ObjectStore, s3: TestS3) => Promise<void>) {
  const s3 = await startTestS3();
  try {
    const store = new ObjectStore({ ...s3, useSSL: false, bucket: "attachments-test" });
    await store.ensureBucket();
    await store.ensureBucket(); // a second call finds the bucket
    await fn(store, s3);
  } finally {
    await s3.stop();
  }
}

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

Deno.test("ObjectStore - a multipart upload joins its parts in order", async () => {
  await withStore(async (store) => {
    const uploadId = await store.createMultipart("a/1");
    const second = await store.uploadPart("a/1", uploadId, 2, bytes(10, 2));
    const first = await store.uploadPart("a/1", uploadId, 1, bytes(5 * 1024 * 1024, 1));
    await store.completeMultipart("a/1", uploadId, [first, second]);
    const whole = await store.get("a/1");
    assert.equal(whole?.length, 5 * 1024 * 1024 + 10);
    assert.deepEqual(whole?.subarray(5 * 1024 * 1024), bytes(10, 2));
  });
});

Deno.test("ObjectStore - put, get, partial get, size and remove of a small object", async () => {
  await withStore(async (store) => {
    await store.put("p/1", bytes(100, 7));
    assert.deepEqual(await store.get("p/1"), bytes(100, 7));
    assert.deepEqual(
      await readAll(await store.getPartial("p/1", 10, 5)),
      bytes(100, 7).slice(10, 15),
    );
    assert.equal(await store.size("p/1"), 100);
    await store.remove("p/1");
    assert.equal(await store.get("p/1"), null);
    assert.equal(await store.size("p/1"), null);
    await store.remove("p/1"); // removing twice is fine
  });
});

Deno.test("ObjectStore - aborting a multipart upload frees its parts and leaves no object", async () => {
  await withStore(async (store, s3) => {
    const uploadId = await store.createMultipart("x/1");
    const part = await store.uploadPart("x/1", uploadId, 1, bytes(1000, 3));
    assert.equal(await uploadFolders(s3), 1);
    await store.abortMultipart("x/1", uploadId, [part]);
    assert.equal(await uploadFolders(s3), 0);
    assert.equal(await store.get("x/1"), null);
  });
});

Deno.test("ObjectStore - aborting an upload with no parts yet frees it too", async () => {
  await withStore(async (store, s3) => {
    const uploadId = await store.createMultipart("x/2");
    await store.abortMultipart("x/2", uploadId, []);
    assert.equal(await uploadFolders(s3), 0);
    assert.equal(await store.get("x/2"), null);
  });
});

/** Unfinished multipart uploads s3rver holds on disk. */
async function uploadFolders(s3: TestS3): Promise<number> {
  let count = 0;
  for await (const entry of walk(s3.directory)) if (entry.endsWith("/metadata")) count++;
  return count;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (dir.includes("uploads")) yield path;
  }
}
