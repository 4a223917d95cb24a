/**
 * A committed revision laid out in a temporary folder (`git archive`), with this bench/ over it,
 * so a revision can be measured while others have uncommitted changes in the work tree.
 * @module
 */

const REPO = new URL("../", import.meta.url).pathname;

export interface RevisionTree {
  /** The short commit hash. */
  commit: string;
  /** The folder holding the revision's files. */
  dir: string;
  remove(): Promise<void>;
}

/** Exports `rev` into a fresh temporary folder and lays the current bench/ over it. */
export async function exportRevision(rev: string): Promise<RevisionTree> {
  const commit = (await git("rev-parse", "--short", `${rev}^{commit}`)).trim();
  const dir = await Deno.makeTempDir({ prefix: `ticketd_at_${commit}_` });
  const remove = () => Deno.remove(dir, { recursive: true });
  try {
    const archive = new Deno.Command("git", {
      args: ["archive", "--format=tar", commit],
      cwd: REPO,
      stdout: "piped",
    }).spawn();
    const untar = new Deno.Command("tar", { args: ["-x", "-C", dir], stdin: "piped" }).spawn();
    await archive.stdout.pipeTo(untar.stdin);
    if (!(await archive.status).success || !(await untar.status).success) {
      throw new Error(`git archive ${commit} failed`);
    }
    await Deno.remove(`${dir}/bench`, { recursive: true }).catch(() => {});
    await copyDir(`${REPO}bench`, `${dir}/bench`, (name) => name !== "results");
  } catch (error) {
    await remove();
    throw error;
  }
  return { commit, dir, remove };
}

async function git(...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd: REPO }).output();
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
