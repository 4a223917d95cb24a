import assert from "node:assert/strict";
import { join } from "node:path";
import { type BackupManifest, damagedFiles, MANIFEST_FORMAT, readManifest } from "./manifest.ts";

async function withBackupDir(
  manifest: Partial<BackupManifest>,
  fn: (dir: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "ticketd_manifest_" });
  try {
    const whole = { format: MANIFEST_FORMAT, streams: [], postgres: null, sha256: {}, ...manifest };
    await Deno.writeTextFile(join(dir, "manifest.json"), JSON.stringify(whole));
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("readManifest - a manifest naming a file outside the backup folder is refused", async () => {
  await withBackupDir({ sha256: { "../../etc/passwd": "00" } }, async (dir) => {
    await assert.rejects(readManifest(dir), /\.\.\/\.\.\/etc\/passwd is not a checked file/);
  });
});

Deno.test("readManifest - a stream file without a checksum is refused", async () => {
  const entry = {
    name: "TICKETS",
    snapshotFile: "streams/TICKETS.tar.s2",
    metaFile: "streams/TICKETS.json",
    messages: 1,
    bytes: 1,
    firstSeq: 1,
    lastSeq: 1,
  };
  await withBackupDir(
    { streams: [entry], sha256: { "streams/TICKETS.json": "00" } },
    async (dir) => {
      await assert.rejects(readManifest(dir), /streams\/TICKETS\.tar\.s2 is not a checked file/);
    },
  );
});

Deno.test("damagedFiles - names a missing file and one whose sha256 differs", async () => {
  const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const sha256 = { "a.bin": empty, "b.bin": empty, "c.bin": empty };
  await withBackupDir({ sha256 }, async (dir) => {
    await Deno.writeFile(join(dir, "a.bin"), new Uint8Array());
    await Deno.writeFile(join(dir, "b.bin"), new Uint8Array([1]));
    const manifest = await readManifest(dir);
    assert.deepEqual(await damagedFiles(dir, manifest), ["b.bin", "c.bin (missing)"]);
  });
});

Deno.test("readManifest - a manifest.json that is not JSON, or not a manifest, is refused naming the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ticketd_manifest_" });
  try {
    const path = join(dir, "manifest.json");
    for (const garbage of ["", '{"format":', "null", "[]", `{"format":"${MANIFEST_FORMAT}"}`]) {
      await Deno.writeTextFile(path, garbage);
      await assert.rejects(
        readManifest(dir),
        (error: Error) =>
          error.message.startsWith(path) && /not (JSON|a backup manifest)/.test(error.message),
        garbage,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
