/**
 * `deno task restore --from <dir> [--replace] [--stack <dataDir>]`: checks every file against the manifest's sha256,
 * refuses (changing nothing) when a stream of the backup exists or the database holds tables,
 * unless `--replace`; then restores PostgreSQL (`pg_restore`, one transaction) and each stream by
 * JetStream's own restore, at its original sequences, checking each against the manifest. Run it
 * with the services stopped. Exit 0 done, 1 refused or failed, 2 bad arguments or settings.
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
import { type BackupManifest, damagedFiles, readManifest, type StreamEntry } from "./manifest.ts";
import { restoreDatabase, userTableCount } from "./postgres_dump.ts";
import { type BackupSettings, connectNats, loadBackupSettings, toolEnv } from "./settings.ts";
import { restoreStream, type StreamSnapshotMeta } from "./stream_snapshot.ts";

const TOOL = {
  name: "restore",
  usage: "deno task restore --from <dir> [--replace] [--stack <dataDir>]",
};

await runTool(TOOL, async () => {
  const { from, replace = false, stack } = toolArgs({
    from: { type: "string" },
    replace: { type: "boolean" },
    stack: { type: "string" },
  });
  if (!from) usage("--from <dir> is required");
  const settings = loadBackupSettings(await toolEnv(stack));
  const manifest = await readManifest(from);
  const damaged = await damagedFiles(from, manifest, (file) => progressLine(`checking ${file}`));
  progressLine("");
  if (damaged.length > 0) {
    throw new ToolError(
      `the backup is damaged (sha256 differs): ${damaged.join(", ")}; nothing was changed`,
    );
  }
  console.log(`backup of ${manifest.createdAt}: every file matches its sha256`);
  const nc = await connectNats(settings, "ticketd-restore");
  try {
    const existing = await existingStreams(nc, manifest);
    await refuseToOverwrite(settings, manifest, existing, replace);
    if (manifest.postgres) {
      console.log(`postgres: pg_restore ${manifest.postgres.file}`);
      await restoreDatabase(
        settings.databaseUrl,
        join(from, manifest.postgres.file),
        settings.tls,
        replace,
      );
    }
    const jsm = await jetstreamManager(nc);
    for (const entry of manifest.streams) {
      if (existing.includes(entry.name)) await jsm.streams.delete(entry.name);
      await restoreOne(nc, settings, from, entry);
    }
  } finally {
    await nc.close();
  }
  console.log(`restore complete: ${manifest.streams.length} streams`);
  return 0;
});

async function existingStreams(nc: NatsConnection, manifest: BackupManifest): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const names = new Set<string>();
  for await (const name of jsm.streams.names()) names.add(name);
  return manifest.streams.map((entry) => entry.name).filter((name) => names.has(name));
}

async function refuseToOverwrite(
  settings: BackupSettings,
  manifest: BackupManifest,
  existing: string[],
  replace: boolean,
): Promise<void> {
  if (replace) return;
  const refusals: string[] = [];
  if (existing.length > 0) refusals.push(`streams ${existing.join(", ")} exist`);
  const tables = manifest.postgres ? await userTableCount(settings.databaseUrl, settings.tls) : 0;
  if (tables > 0) refusals.push(`the database holds ${tables} tables`);
  if (refusals.length > 0) {
    throw new ToolError(
      `${refusals.join(" and ")}: pass --replace to overwrite them; nothing was changed`,
    );
  }
}

async function restoreOne(
  nc: NatsConnection,
  settings: BackupSettings,
  from: string,
  entry: StreamEntry,
) {
  const meta = JSON.parse(
    await Deno.readTextFile(join(from, entry.metaFile)),
  ) as StreamSnapshotMeta;
  const total = (await Deno.stat(join(from, entry.snapshotFile))).size;
  const state = await restoreStream(nc, meta, join(from, entry.snapshotFile), {
    ...settings,
    progress: (bytes) =>
      progressLine(`${entry.name}: ${Math.floor((bytes / total) * 100)} % of ${total} bytes`),
  });
  progressLine("");
  if (state.last_seq !== entry.lastSeq || state.messages !== entry.messages) {
    throw new ToolError(
      `${entry.name} restored with ${state.messages} messages up to ${state.last_seq}, the backup ` +
        `has ${entry.messages} up to ${entry.lastSeq}`,
    );
  }
  console.log(`${entry.name}: ${state.messages} messages, last sequence ${state.last_seq}`);
}
