/**
 * Resuming an import: how many rows from the start of the file are done (a contiguous prefix,
 * since rows finish out of order), kept in `<dataDir>/import/<key>.json`, written atomically.
 * @module
 */
import { createHash } from "node:crypto";

export interface Checkpoint {
  version: 1;
  file: string;
  dataset: string;
  tenant: string;
  url: string;
  /** Rows `0..done-1` have an answer from the API (created, present or rejected). */
  done: number;
  total: number;
  updatedAt: string;
}

/** What identifies one import: the same file, mapping and target share one checkpoint. */
export interface CheckpointIdentity {
  file: string;
  dataset: string;
  mapping: string;
  tenant: string;
  url: string;
}

/** The checkpoint and rejects file paths for `identity` under `dataDir`. */
export function checkpointPaths(dataDir: string, identity: CheckpointIdentity) {
  const { file, dataset, mapping, tenant, url } = identity;
  const key = createHash("sha256").update(JSON.stringify([file, dataset, mapping, tenant, url]))
    .digest("hex").slice(0, 16);
  const dir = `${dataDir}/import`;
  const name = `${dataset}-${key}`;
  return { dir, checkpoint: `${dir}/${name}.json`, rejects: `${dir}/${name}.rejects.jsonl` };
}

/** Where a run starts: after the checkpoint's prefix, or at 0 once everything was done. */
export function startRow(checkpoint: Checkpoint | null, total: number): number {
  if (!checkpoint || checkpoint.done >= total) return 0;
  return checkpoint.done;
}

/** The checkpoint at `path`, or null when there is none. */
export async function loadCheckpoint(path: string): Promise<Checkpoint | null> {
  try {
    const value = JSON.parse(await Deno.readTextFile(path));
    return value?.version === 1 && Number.isInteger(value.done) ? value : null;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Writes `checkpoint` to `path` through a temporary file, so a crash never leaves half. */
export async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const temporary = `${path}.tmp`;
  await Deno.writeTextFile(temporary, JSON.stringify(checkpoint, null, 2) + "\n");
  await Deno.rename(temporary, path);
}

/**
 * The length of the finished prefix of rows that finish in any order.
 *
 * @example
 * ```ts
 * const rows = new PrefixTracker(0);
 * rows.finish(1); // rows.done === 0: row 0 is still out
 * rows.finish(0); // rows.done === 2
 * ```
 */
export class PrefixTracker {
  #done: number;
  readonly #ahead = new Set<number>();

  constructor(start: number) {
    this.#done = start;
  }

  get done(): number {
    return this.#done;
  }

  finish(index: number): void {
    if (index < this.#done) return;
    this.#ahead.add(index);
    while (this.#ahead.delete(this.#done)) this.#done++;
  }
}
