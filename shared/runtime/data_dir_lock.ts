/**
 * One process per data folder: an embedded database opened twice is corrupted, so the folder is
 * claimed with a lock file naming the owner's pid. A lock left by a dead process is taken over.
 * @module
 */
import { RuntimeError } from "./runtime_error.ts";

export interface DataDirLock {
  release(): Promise<void>;
}

/** Claims `dir` for this process, or throws `data_dir_in_use` naming the process that has it. */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/.ticketd.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await Deno.writeTextFile(path, String(Deno.pid), { createNew: true });
      return { release: () => Deno.remove(path).catch(() => {}) };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      const owner = Number(await Deno.readTextFile(path).catch(() => "0"));
      if (owner && owner !== Deno.pid && await isAlive(owner)) {
        throw new RuntimeError(
          "data_dir_in_use",
          `${dir} is in use by process ${owner}; stop it first (or use another TICKETD_DATA_DIR)`,
        );
      }
      await Deno.remove(path).catch(() => {});
    }
  }
  throw new RuntimeError("data_dir_in_use", `Could not lock ${dir}`);
}

async function isAlive(pid: number): Promise<boolean> {
  try {
    await Deno.stat(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}
