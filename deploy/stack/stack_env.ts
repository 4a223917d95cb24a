/**
 * `<dataDir>/stack.env`: the servers a running native stack hands its services (NATS_URL with
 * the private server's token, DATABASE_URL, the CA), mode 0600, so that `deno task backup` and
 * `deno task restore` (`--stack <dataDir>`) and an operator (`set -a; . <dataDir>/stack.env`)
 * can reach them. The private NATS token is new on every start: the file is rewritten at each
 * start and removed at the stop.
 * @module
 */
import { join, resolve } from "node:path";

export const STACK_ENV_FILE = "stack.env";

/** What a tool needs of the stack's servers; paths made absolute, so any folder can use them. */
const KEPT = ["NATS_URL", "DATABASE_URL", "TICKETD_TLS_CA_FILE"];

/** Writes the settings of `env` a tool needs into `<dataDir>/stack.env` (0600); its path. */
export async function writeStackEnv(
  dataDir: string,
  env: Record<string, string>,
): Promise<string> {
  const path = join(dataDir, STACK_ENV_FILE);
  const lines = KEPT.filter((name) => env[name]).map((name) => {
    const value = name.endsWith("_FILE") ? resolve(env[name]) : env[name];
    return `${name}='${value.replaceAll("'", `'\\''`)}'`; // sh-quoted: `. stack.env` works
  });
  await Deno.writeTextFile(path, lines.join("\n") + "\n", { mode: 0o600 });
  await Deno.chmod(path, 0o600); // mode only applies to a new file
  return path;
}

/** The settings in `<dataDir>/stack.env` (as {@link writeStackEnv} wrote them). */
export async function readStackEnv(dataDir: string): Promise<Record<string, string>> {
  const text = await Deno.readTextFile(join(dataDir, STACK_ENV_FILE));
  const settings: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = line.match(/^([A-Z_][A-Z0-9_]*)='(.*)'$/);
    if (match) settings[match[1]] = match[2].replaceAll(`'\\''`, "'");
  }
  return settings;
}
