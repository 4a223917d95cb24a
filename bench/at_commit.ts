/**
 * Benchmarks a committed revision, not the working tree: `deno run -A bench/at_commit.ts <rev>
 * [bench flags]` exports `<rev>` with `git archive` into a temporary folder, lays this bench/
 * over it, runs `deno task bench` there and copies its report to `bench/results/<rev>.{json,md}`.
 * Use it to compare revisions, or to measure while others have uncommitted changes.
 * @module
 */
import { dataDir } from "./corpus.ts";
import { exportRevision } from "./revision_tree.ts";

const [rev, ...flags] = Deno.args;
if (!rev) {
  console.error("usage: deno run -A bench/at_commit.ts <git revision> [deno task bench flags]");
  Deno.exit(2);
}
const repo = new URL("../", import.meta.url).pathname;
const tree = await exportRevision(rev);
const { commit } = tree;
// Ctrl-C reaches the bench too; it cleans up and exits, then this removes the tree.
const ignore = () => {};
Deno.addSignalListener("SIGINT", ignore);
let code = 0;
try {
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["task", "bench", ...flags],
    cwd: tree.dir,
    env: { TICKETD_BENCH_DATA: dataDir().pathname, TICKETD_BENCH_REV: commit },
  }).spawn().status;
  code = status.code;
  if (code !== 0) throw new Error(`the bench exited with code ${code}`);
  await Deno.mkdir(`${repo}bench/results`, { recursive: true });
  for (const ext of ["json", "md"]) {
    await Deno.copyFile(
      `${tree.dir}/bench/results/latest.${ext}`,
      `${repo}bench/results/${commit}.${ext}`,
    );
  }
  console.error(`written: bench/results/${commit}.json and .md`);
} catch (error) {
  console.error(String(error));
  code ||= 1;
} finally {
  await tree.remove();
  Deno.removeSignalListener("SIGINT", ignore);
}
Deno.exit(code);
