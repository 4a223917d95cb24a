/**
 * Finding a process a test started indirectly (a stack's private nats-server), by an argument
 * only it has, e.g. its own temporary store: never by a name other processes share.
 * @module
 */

/** The process whose command line has `arg` as one of its arguments. */
export async function processWith(arg: string): Promise<number> {
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`).catch(() => "");
    if (cmdline.split("\0").includes(arg)) return Number(entry.name);
  }
  throw new Error(`no process runs with ${arg}`);
}
