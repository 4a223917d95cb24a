/**
 * The backup folder's table of contents, `manifest.json`, written last (a folder without it is
 * an unfinished backup): what was saved, at which positions, by which servers, and the sha256
 * of every file, which a restore checks before it changes anything.
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_FORMAT = "ticketd-backup/1";
export const POSTGRES_FILE = "postgres.dump";
/** A file of the folder or of one folder in it (`streams/TICKETS.tar.s2`). */
const INSIDE = /^[A-Za-z0-9._%-]+(\/[A-Za-z0-9._%-]+)?$/;

/** One stream: its snapshot file, its config/state file, and where it stood. */
export interface StreamEntry {
  name: string;
  snapshotFile: string;
  metaFile: string;
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
}

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  /** UTC, ISO 8601, when the backup began. */
  createdAt: string;
  natsServerVersion: string;
  /** In the order they were saved (and are restored): event streams, then KV buckets. */
  streams: StreamEntry[];
  /** Streams on the server left out on purpose (leases, presence: state that only lives). */
  skippedStreams: string[];
  /** The `pg_dump --format=custom` of the database, or null when it was not backed up. */
  postgres: { file: string; pgDumpVersion: string } | null;
  /** Every file of the backup (path relative to the folder) and its sha256, hex. */
  sha256: Record<string, string>;
}

/** The sha256 (hex) of a file, read in pieces. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path, { read: true });
  for await (const piece of file.readable) hash.update(piece);
  return hash.digest("hex");
}

/** The manifest of `dir`, or a plain error saying why there is none. */
export async function readManifest(dir: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dir, MANIFEST_FILE));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(`${dir} has no ${MANIFEST_FILE}: not a backup, or an unfinished one`);
  }
  const path = join(dir, MANIFEST_FILE);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON (${(error as Error).message}): a damaged backup`);
  }
  if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) {
    throw new Error(`${path} is not a backup manifest (an object with format, streams, sha256)`);
  }
  if (manifest.format !== MANIFEST_FORMAT) {
    throw new Error(
      `${dir}: backup format "${manifest.format}", this build reads ${MANIFEST_FORMAT}`,
    );
  }
  if (!Array.isArray(manifest.streams) || typeof manifest.sha256 !== "object" || !manifest.sha256) {
    throw new Error(`${path} is not a backup manifest (no streams or sha256)`);
  }
  // Only checked files inside the folder: an edited manifest cannot make a restore read elsewhere.
  const named = [
    ...manifest.streams.flatMap((entry) => [entry.snapshotFile, entry.metaFile]),
    ...(manifest.postgres ? [manifest.postgres.file] : []),
  ];
  const stray = [...Object.keys(manifest.sha256), ...named]
    .find((file) => !INSIDE.test(file) || file.includes("..") || !(file in manifest.sha256));
  if (stray) {
    throw new Error(`${dir}/${MANIFEST_FILE}: ${stray} is not a checked file of the backup`);
  }
  return manifest;
}

/**
 * The files whose sha256 differs from the manifest's, or that are missing; empty when the backup
 * is whole. `progress` hears each file checked.
 */
export async function damagedFiles(
  dir: string,
  manifest: BackupManifest,
  progress: (file: string) => void = () => {},
): Promise<string[]> {
  const damaged: string[] = [];
  for (const [file, expected] of Object.entries(manifest.sha256)) {
    progress(file);
    const actual = await fileSha256(join(dir, file)).catch((error) => {
      if (error instanceof Deno.errors.NotFound) return "missing";
      throw error;
    });
    if (actual !== expected) damaged.push(actual === "missing" ? `${file} (missing)` : file);
  }
  return damaged;
}
