/**
 * `deno task backup --out <dir> [--stack <dataDir>]`: PostgreSQL first (`pg_dump`), then every Ticketd stream by
 * JetStream's own snapshot (event streams, then KV buckets), then `manifest.json` with positions,
 * counts and the sha256 of every file. That order keeps every position the database stores, and
 * every ticket number in use, inside what the streams hold. The keyring is not saved: back it up
 * on its own (docs/operations.md). Exit 0 done, 1 failed, 2 bad arguments or settings.
 * @module
 */
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import {
  progressLine,
  runTool,
  toolArgs,
  ToolError,
  usage,
} from "../../services/audit/tools/cli.ts";
import {
  type BackupManifest,
  fileSha256,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  POSTGRES_FILE,
} from "./manifest.ts";
import { dumpDatabase, pgDumpVersion } from "./postgres_dump.ts";
import { type BackupSettings, connectNats, loadBackupSettings, toolEnv } from "./settings.ts";
import { streamsToBackUp } from "./stream_selection.ts";
import { snapshotStream } from "./stream_snapshot.ts";

const TOOL = { name: "backup", usage: "deno task backup --out <dir> [--stack <dataDir>]" };

await runTool(TOOL, async () => {
  const { out, stack } = toolArgs({ out: { type: "string" }, stack: { type: "string" } });
  if (!out) usage("--out <dir> is required");
  const settings = loadBackupSettings(await toolEnv(stack));
  await emptyFolder(out);
  const nc = await connectNats(settings, "ticketd-backup");
  try {
    const manifest = await backUp(nc, settings, out);
    console.log(`backup complete: ${out}/${MANIFEST_FILE} (${manifest.streams.length} streams)`);
  } finally {
    await nc.close();
  }
  return 0;
});

async function backUp(nc: NatsConnection, settings: BackupSettings, out: string) {
  const createdAt = new Date().toISOString();
  const sha256: Record<string, string> = {};
  console.log(`postgres: pg_dump -> ${POSTGRES_FILE}`);
  await dumpDatabase(settings.databaseUrl, join(out, POSTGRES_FILE), settings.tls);
  sha256[POSTGRES_FILE] = await fileSha256(join(out, POSTGRES_FILE));

  const jsm = await jetstreamManager(nc);
  const names: string[] = [];
  for await (const name of jsm.streams.names()) names.push(name);
  const { save, skip } = streamsToBackUp(names);
  await Deno.mkdir(join(out, "streams"));
  const streams: BackupManifest["streams"] = [];
  for (const name of save) {
    const snapshotFile = `streams/${encodeURIComponent(name)}.tar.s2`;
    const metaFile = `streams/${encodeURIComponent(name)}.json`;
    const meta = await snapshotStream(nc, name, join(out, snapshotFile), {
      ...settings,
      progress: (bytes) => progressLine(`${name}: ${Math.floor(bytes / 1e6)} MB`),
    });
    await Deno.writeTextFile(join(out, metaFile), JSON.stringify(meta, null, 2) + "\n");
    sha256[snapshotFile] = await fileSha256(join(out, snapshotFile));
    sha256[metaFile] = await fileSha256(join(out, metaFile));
    const { messages, bytes, first_seq: firstSeq, last_seq: lastSeq } = meta.state;
    streams.push({ name, snapshotFile, metaFile, messages, bytes, firstSeq, lastSeq });
    progressLine("");
    console.log(`${name}: ${messages} messages, last sequence ${lastSeq} -> ${snapshotFile}`);
  }
  const manifest: BackupManifest = {
    format: MANIFEST_FORMAT,
    createdAt,
    natsServerVersion: nc.info?.version ?? "unknown",
    streams,
    skippedStreams: skip,
    postgres: { file: POSTGRES_FILE, pgDumpVersion: await pgDumpVersion() },
    sha256,
  };
  await Deno.writeTextFile(join(out, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

/** Creates `dir`, or accepts it empty: a backup never mixes with other files. */
async function emptyFolder(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for await (const _ of Deno.readDir(dir)) {
    throw new ToolError(`${dir} is not empty: give a new folder for the backup`, 2);
  }
}
