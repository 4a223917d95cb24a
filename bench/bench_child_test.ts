import assert from "node:assert/strict";
import { runBenchChild } from "./bench_child.ts";

async function withScript(source: string, fn: (url: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ticketd_bench_child_test_" });
  try {
    await Deno.writeTextFile(`${dir}/child.ts`, source);
    await fn(new URL(`file://${dir}/child.ts`).href);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("runBenchChild - returns the JSON of the child's last stdout line, given its flags and arguments", () =>
  withScript(
    `console.log("warming up"); console.log(JSON.stringify({ args: Deno.args, cwd: Deno.cwd() }));`,
    async (url) => {
      const figures = await runBenchChild<{ args: string[]; cwd: string }>(url, ["--n=3"], [
        "--quiet",
      ]);
      assert.deepEqual(figures.args, ["--n=3"]);
      assert.equal(`${figures.cwd}/`, new URL("../", import.meta.url).pathname);
    },
  ));

Deno.test("runBenchChild - a child that fails is an error naming its exit code", () =>
  withScript(`Deno.exit(3);`, async (url) => {
    await assert.rejects(runBenchChild(url, []), /failed \(exit 3\)/);
  }));
