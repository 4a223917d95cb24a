/**
 * The command line of a plugin's sandbox process: `prlimit` (util-linux) caps all its writable
 * memory and execs this `deno` (so the pid is deno's) with no config, no prompt, a V8 heap cap
 * and exactly the manifest's `--allow-*` flags, running a generated entry that imports the
 * guard, the plugin and the shim; its environment is the manifest's variables only.
 * @module
 */
import type { BotHostSettings } from "./settings.ts";

export interface ProcessSpec {
  name: string;
  /** file: URL of the plugin's entry module. */
  entryUrl: string;
  /** The manifest's permissions as `--allow-*` flags. */
  allowFlags: string[];
  /** The process's whole environment (the variables the manifest may read). */
  env: Record<string, string>;
}

const GUARD = new URL("./plugin_guard.ts", import.meta.url).href;
const SHIM = new URL("./plugin_shim.ts", import.meta.url).href;

/** The program, its arguments and its whole environment. */
export function sandboxCommand(
  spec: ProcessSpec,
  limits: Pick<BotHostSettings, "heapMb" | "memoryMb">,
): { program: string; args: string[]; env: Record<string, string> } {
  const args = [
    `--data=${limits.memoryMb * 2 ** 20}`,
    Deno.execPath(),
    "run",
    "--no-config",
    "--no-prompt",
    `--v8-flags=--max-old-space-size=${limits.heapMb}`,
    ...spec.allowFlags,
    entryModule(spec),
  ];
  return { program: "prlimit", args, env: { ...spec.env, NO_COLOR: "1" } };
}

/** A data: module importing the guard first, then the plugin, then serving it. */
function entryModule(spec: ProcessSpec): string {
  const source = [
    `// ticketd bot plugin ${spec.name}`,
    `import ${JSON.stringify(GUARD)};`,
    `import bot from ${JSON.stringify(spec.entryUrl)};`,
    `import { serveBot } from ${JSON.stringify(SHIM)};`,
    `await serveBot(bot);`,
  ].join("\n");
  return `data:application/javascript,${encodeURIComponent(source)}`;
}
