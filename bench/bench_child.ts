/**
 * A bench that runs in a child process of its own (its own flags, servers and memory, gone when
 * it exits) prints its figures as the last line of its stdout, in JSON; its log goes to stderr.
 * @module
 */

const REPO = new URL("../", import.meta.url);

/**
 * Runs `script` (a bench file's `import.meta.url`) as `deno run -A <flags> <script> <args>` from
 * the repository folder; the figures it printed last.
 */
export async function runBenchChild<T>(
  script: string,
  args: string[],
  flags: string[] = [],
): Promise<T> {
  const path = new URL(script).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...flags, path, ...args],
    cwd: REPO,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const name = path.slice(REPO.pathname.length);
  if (!output.success) throw new Error(`${name} failed (exit ${output.code})`);
  return JSON.parse(new TextDecoder().decode(output.stdout).trim().split("\n").at(-1)!);
}
