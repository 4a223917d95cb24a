/**
 * Benchmarks a committed revision, not the working tree: `deno run -A bench/at_commit.ts <rev>
 * [bench flags]` exports `<rev>` with `git archive` into a temporary folder, lays this bench/
 * over it, runs `deno task bench` there and copies its report to `bench/results/<rev>.{json,md}`.
 * Use it to compare revisions, or to measure while others have uncommitted changes.
 * @module
 */
import { dataDir } from "./corpus.ts";

const [rev, ...flags] = Deno.args;
if (!rev) {
  console.error("usage: deno run -A bench/at_commit.ts <git revision> [deno task bench flags]");
  Deno.exit(2);
}
const repo = new URL("../", import.meta.url).pathname;
const commit = (await git("rev-parse", "--short", `${rev}^{commit}`)).trim();
const tree = await Deno.makeTempDir({ prefix: `ticketd_at_${commit}_` });
// Ctrl-C reaches the bench too; it cleans up and exits, then this removes the tree.
const ignore = () => {};
Deno.addSignalListener("SIGINT", ignore);
let code = 0;
try {
  const archive = new Deno.Command("git", {
    args: ["archive", "--format=tar", commit],
    cwd: repo,
    stdout: "piped",
  }).spawn();
  const untar = new Deno.Command("tar", { args: ["-x", "-C", tree], stdin: "piped" }).spawn();
  await archive.stdout.pipeTo(untar.stdin);
  if (!(await archive.status).success || !(await untar.status).success) {
    throw new Error(`git archive ${commit} failed`);
  }
  await Deno.remove(`${tree}/bench`, { recursive: true }).catch(() => {});
  await copyDir(`${repo}bench`, `${tree}/bench`, (name) => name !== "results");
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["task", "bench", ...flags],
    cwd: tree,
    env: { TICKETD_BENCH_DATA: dataDir().pathname, TICKETD_BENCH_REV: commit },
  }).spawn().status;
  code = status.code;
  if (code !== 0) throw new Error(`the bench exited with code ${code}`);
  await Deno.mkdir(`${repo}bench/results`, { recursive: true });
  for (const ext of ["json", "md"]) {
    await Deno.copyFile(
      `${tree}/bench/results/latest.${ext}`,
      `${repo}bench/results/${commit}.${ext}`,
    );
  }
  console.error(`written: bench/results/${commit}.json and .md`);
} catch (error) {
  console.error(String(error));
  code ||= 1;
} finally {
  await Deno.remove(tree, { recursive: true });
  Deno.removeSignalListener("SIGINT", ignore);
}
Deno.exit(code);

async function git(...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd: repo }).output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

async function copyDir(from: string, to: string, keep: (name: string) => boolean): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (!keep(entry.name)) continue;
    if (entry.isDirectory) await copyDir(`${from}/${entry.name}`, `${to}/${entry.name}`, keep);
    else await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}
