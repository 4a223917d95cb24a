/**
 * What an import has done so far, on disk: refused rows appended to a rejects file (JSON Lines)
 * and the checkpoint, always written after the rejects it covers, so a resumed run neither loses
 * nor repeats a reject.
 * @module
 */
import {
  type Checkpoint,
  checkpointPaths,
  loadCheckpoint,
  PrefixTracker,
  saveCheckpoint,
  startRow,
} from "./checkpoint.ts";

/** One refused row in the rejects file. */
export interface RejectEntry {
  /** 1-based record number in the source file. */
  row: number;
  line: number;
  id: string;
  status: number | null;
  code: string;
  detail: string;
}

export interface JournalOptions {
  dataDir: string;
  checkpoint: Omit<Checkpoint, "version" | "done" | "updatedAt">;
  mapping: string;
  /** Ignore an existing checkpoint and start at row 0. */
  restart?: boolean;
  now?: () => Date;
}

/** Opens the journal for one import and finds where it resumes. */
export async function openJournal(options: JournalOptions) {
  const { dataDir, checkpoint: base, now = () => new Date() } = options;
  const paths = checkpointPaths(dataDir, { ...base, mapping: options.mapping });
  await Deno.mkdir(paths.dir, { recursive: true });
  const previous = options.restart ? null : await loadCheckpoint(paths.checkpoint);
  const start = startRow(previous, base.total);
  await keepRejectsBefore(paths.rejects, start);
  const rows = new PrefixTracker(start);
  let pending: string[] = [];
  let chain = Promise.resolve();

  const write = async () => {
    const lines = pending;
    pending = [];
    const done = rows.done; // taken after the rejects it covers were queued
    if (lines.length > 0) {
      await Deno.writeTextFile(paths.rejects, lines.join(""), { append: true });
    }
    await saveCheckpoint(paths.checkpoint, {
      version: 1,
      ...base,
      done,
      updatedAt: now().toISOString(),
    });
  };

  return {
    paths,
    start,
    previous,
    get done() {
      return rows.done;
    },
    reject(entry: RejectEntry): void {
      pending.push(JSON.stringify(entry) + "\n");
    },
    finish(index: number): void {
      rows.finish(index);
    },
    /** Writes queued rejects, then the checkpoint; calls are serialised. */
    flush(): Promise<void> {
      chain = chain.then(write);
      return chain;
    },
  };
}

export type Journal = Awaited<ReturnType<typeof openJournal>>;

/** Drops rejects of rows at or after `start` (they will be sent again); all of them at 0. */
async function keepRejectsBefore(path: string, start: number): Promise<void> {
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const kept = text.split("\n").filter((line) => {
    if (line.trim() === "") return false;
    try {
      return (JSON.parse(line) as RejectEntry).row <= start;
    } catch {
      return false;
    }
  });
  await Deno.writeTextFile(path, kept.map((line) => line + "\n").join(""));
}
